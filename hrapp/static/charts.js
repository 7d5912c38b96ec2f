// Charts: every element with data-chart holds an Apache ECharts option as JSON. Pages include
// this file (and the vendored ECharts) through the chart macro; no inline script is needed, so
// the Content-Security-Policy can forbid it.
(function () {
  function draw(element) {
    var option;
    try {
      option = JSON.parse(element.getAttribute("data-chart"));
    } catch (error) {
      return;
    }
    element.style.height = (parseInt(element.getAttribute("data-height"), 10) || 320) + "px";
    var chart = window.echarts.init(element, null, { renderer: "svg" });
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.echarts) { return; }
    document.querySelectorAll("[data-chart]").forEach(draw);
  });
})();
