// Population statistics charts: reads the data embedded with json_script, draws each
// [data-chart] element with ECharts. The tables under each chart carry the same figures.
(function () {
  "use strict";
  var source = document.getElementById("stats-data");
  if (!source || typeof echarts === "undefined") return;
  var data = JSON.parse(source.textContent);
  var colours = ["#198754", "#0d6efd", "#fd7e14", "#6f42c1", "#d63384", "#20c997", "#ffc107", "#6c757d"];

  function pyramid(d) {
    return {
      color: ["#0d6efd", "#d63384"],
      tooltip: {
        trigger: "axis",
        axisPointer: { type: "shadow" },
        valueFormatter: function (v) { return Math.abs(v) + " 人"; }
      },
      legend: { data: ["男", "女"] },
      grid: { left: 8, right: 16, bottom: 8, top: 32, containLabel: true },
      xAxis: { type: "value", axisLabel: { formatter: function (v) { return Math.abs(v); } } },
      yAxis: { type: "category", data: d.labels, axisTick: { show: false } },
      series: [
        { name: "男", type: "bar", stack: "all", data: d.male.map(function (v) { return -v; }) },
        { name: "女", type: "bar", stack: "all", data: d.female }
      ]
    };
  }

  function pie(rows) {
    return {
      color: colours,
      tooltip: { trigger: "item", formatter: "{b}: {c} 人 ({d}%)" },
      series: [{ type: "pie", radius: ["35%", "70%"], data: rows, label: { formatter: "{b}\n{c}" } }]
    };
  }

  function bar(rows) {
    return {
      color: colours,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 8, right: 24, bottom: 8, top: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: rows.map(function (r) { return r.name; }) },
      series: [{ type: "bar", data: rows.map(function (r) { return r.value; }), label: { show: true, position: "right" } }]
    };
  }

  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var key = el.getAttribute("data-chart");
    var kind = el.getAttribute("data-type");
    var option = key === "pyramid" ? pyramid(data.pyramid) : kind === "pie" ? pie(data[key]) : bar(data[key]);
    var chart = echarts.init(el);
    chart.setOption(option);
    charts.push(chart);
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.resize(); });
  });
})();
