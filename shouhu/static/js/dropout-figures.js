// 控辍保学 figures: open cases per township by step (stacked bars) and the overdue ones, from the
// JSON the page embeds (#dropout-chart-data). Horizontal bars: township names stay readable at 390 px.
document.addEventListener("DOMContentLoaded", function () {
  var el = document.getElementById("dropout-chart");
  var data = document.getElementById("dropout-chart-data");
  if (!el || !data || !window.echarts) return;
  var d = JSON.parse(data.textContent);
  el.style.height = Math.max(160, 48 + 36 * d.labels.length) + "px";
  var chart = echarts.init(el, null, { renderer: "svg" });
  var series = d.series.map(function (s) { return { name: s.name, type: "bar", stack: "open", data: s.data }; });
  series.push({ name: "逾期", type: "bar", data: d.overdue, itemStyle: { color: "#dc3545" } });
  chart.setOption({
    animation: false,
    grid: { left: 8, right: 16, top: 48, bottom: 8, containLabel: true },
    legend: { top: 0, textStyle: { fontSize: 11 }, itemWidth: 12, itemHeight: 8 },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, renderMode: "richText" },  // no inline styles (CSP)
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", data: d.labels, inverse: true },
    series: series
  });
  window.addEventListener("resize", function () { chart.resize(); });
});
