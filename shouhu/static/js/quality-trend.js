// The quality score by month (line) with open errors and warnings (bars), from the JSON the page
// embeds (#trend-data). Loaded only on the quality page, and only when there are two months.
document.addEventListener("DOMContentLoaded", function () {
  var el = document.getElementById("trend-chart");
  var data = document.getElementById("trend-data");
  if (!el || !data || !window.echarts) return;
  var rows = JSON.parse(data.textContent);
  var chart = echarts.init(el, null, { renderer: "svg" });
  chart.setOption({
    animation: false,
    grid: { left: 36, right: 36, top: 28, bottom: 24 },
    legend: { top: 0, textStyle: { fontSize: 11 } },
    tooltip: { trigger: "axis", renderMode: "richText" },  // drawn on the canvas: no inline styles (CSP)
    xAxis: { type: "category", data: rows.map(function (r) { return r.month; }) },
    yAxis: [{ type: "value", min: 0, max: 100, name: "得分" }, { type: "value", name: "问题", splitLine: { show: false } }],
    series: [
      { name: "得分", type: "line", data: rows.map(function (r) { return r.score; }) },
      { name: "错误", type: "bar", yAxisIndex: 1, data: rows.map(function (r) { return r.errors; }), itemStyle: { color: "#dc3545" } },
      { name: "警告", type: "bar", yAxisIndex: 1, data: rows.map(function (r) { return r.warnings; }), itemStyle: { color: "#ffc107" } }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
});
