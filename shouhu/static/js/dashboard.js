// Charts (the leaders' screen, the monthly report): one ECharts chart per element of #dashboard-data (embedded as JSON: the
// CSP forbids inline scripts). Bars are horizontal so place names stay readable at 390 px; fonts
// grow on a wide screen (a projector). A click on a bar or a point opens the list behind it
// (links[series][index]); "<5" and "≥5" (statistics-only readers) are drawn as labels, not bars.
document.addEventListener("DOMContentLoaded", function () {
  var data = document.getElementById("dashboard-data");
  if (!data || !window.echarts) return;
  var charts = JSON.parse(data.textContent);
  var big = window.innerWidth >= 1200;
  var font = big ? 16 : 12;
  var made = [];
  Object.keys(charts).forEach(function (id) {
    var el = document.getElementById(id);
    if (!el) return;
    var d = charts[id];
    var bar = d.kind === "bar";
    var rows = d.labels.length * (bar ? Math.max(1, d.series.filter(function (s) { return !s.stack; }).length + (d.series.some(function (s) { return s.stack; }) ? 1 : 0)) : 0);
    el.style.height = (bar ? Math.max(180, 70 + (big ? 22 : 16) * rows) : (big ? 360 : 260)) + "px";
    var chart = echarts.init(el, null, { renderer: "svg" });
    var series = d.series.map(function (s) {
      return {
        name: s.name, type: bar ? "bar" : "line", stack: s.stack, cursor: "pointer",
        itemStyle: s.color ? { color: s.color } : undefined, lineStyle: s.color ? { color: s.color } : undefined,
        label: { show: bar, position: s.stack ? "inside" : "right", fontSize: font - 2,
                 formatter: function (p) { return p.value ? String(p.value) : ""; } },  // no "0" on empty bars
        data: s.data.map(function (v) {
          if (typeof v === "number") return v;
          if (v === null) return null;
          return { value: 0, label: { show: true, formatter: String(v), position: "right" } };  // "<5", "≥5"
        })
      };
    });
    chart.setOption({
      animation: false,
      textStyle: { fontSize: font },
      grid: { left: 8, right: 36, top: 40, bottom: 8, containLabel: true },
      legend: { top: 0, textStyle: { fontSize: font - 1 }, itemWidth: 12, itemHeight: 8 },
      tooltip: { trigger: bar ? "axis" : "item", axisPointer: { type: "shadow" }, renderMode: "richText" },  // no inline styles (CSP)
      xAxis: bar ? { type: "value", minInterval: 1, axisLabel: { fontSize: font - 2 } } : { type: "category", data: d.labels, axisLabel: { fontSize: font - 2 } },
      yAxis: bar ? { type: "category", data: d.labels, inverse: true, axisLabel: { fontSize: font - 1 } } : { type: "value", minInterval: 1, axisLabel: { fontSize: font - 2 } },
      series: series
    });
    chart.on("click", function (p) {
      var row = d.links && d.links[p.seriesIndex];
      var url = row && row[p.dataIndex];
      if (url) window.location.href = url;
    });
    made.push(chart);
  });
  window.addEventListener("resize", function () { made.forEach(function (c) { c.resize(); }); });
});
