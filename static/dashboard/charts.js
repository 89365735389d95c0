/* Draws every chart of a dashboard page: each <div data-chart="ID"> takes its ECharts options
   from the <script type="application/json" id="ID"> that json_script wrote beside it. The
   table next to each chart holds the same figures, so nothing is lost without JavaScript.
   The canvas renderer sets styles only through the CSSOM, which a Content-Security-Policy
   without 'unsafe-inline' styles allows (SVG style attributes it would refuse). */
(function () {
  "use strict";
  function draw() {
    if (!window.echarts) { return; }
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (node) {
      var source = document.getElementById(node.getAttribute("data-chart"));
      if (!source) { return; }
      var options = JSON.parse(source.textContent);
      if (!options.series || !options.series.length) { node.hidden = true; return; }
      var chart = window.echarts.init(node, null, { renderer: "canvas" });
      chart.setOption(options);
      node.classList.add("drawn");
      charts.push(chart);
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
    window.addEventListener("beforeprint", function () { charts.forEach(function (c) { c.resize(); }); });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
}());
