// Command-centre charts. Reads the figures embedded with json_script (the same data as
// /dashboard/<code>/data.json); on the big screen re-fetches that JSON every minute and
// redraws. Clicking a bar or slice opens the list it counts, or the child unit's dashboard.
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || typeof echarts === "undefined") return;
  var data = JSON.parse(source.textContent);
  var screen = document.body.classList.contains("screen");
  var theme = screen ? "dark" : null;
  var text = screen ? "#cfe3f5" : "#333";
  var colours = ["#198754", "#0d6efd", "#fd7e14", "#6f42c1", "#d63384", "#20c997", "#ffc107", "#6c757d"];
  var charts = {};

  function base(extra) {
    var option = { color: colours, textStyle: { fontSize: screen ? 14 : 12 } };
    if (screen) option.backgroundColor = "transparent";
    return Object.assign(option, extra);
  }

  function hbar(rows, unit) {
    return base({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: function (v) { return v + " " + unit; } },
      grid: { left: 8, right: 40, bottom: 8, top: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: rows.map(function (r) { return r.label; }) },
      series: [{ type: "bar", data: rows.map(function (r) { return r.value; }), label: { show: true, position: "right", color: text } }]
    });
  }

  var builders = {
    pyramid: function (d) {
      var rows = d.population.pyramid;
      return {
        rows: rows,
        option: base({
          color: ["#0d6efd", "#d63384"],
          tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: function (v) { return Math.abs(v) + " 人"; } },
          legend: { data: ["男", "女"], textStyle: { color: text } },
          grid: { left: 8, right: 16, bottom: 8, top: 30, containLabel: true },
          xAxis: { type: "value", axisLabel: { formatter: function (v) { return Math.abs(v); } } },
          yAxis: { type: "category", data: rows.map(function (r) { return r.label; }), axisTick: { show: false } },
          series: [
            { name: "男", type: "bar", stack: "all", data: rows.map(function (r) { return -r.male; }) },
            { name: "女", type: "bar", stack: "all", data: rows.map(function (r) { return r.female; }) }
          ]
        }),
        link: function (p) { var r = rows[p.dataIndex]; return p.seriesName === "男" ? r.male_url : r.female_url; }
      };
    },
    groups: function (d) {
      var rows = d.population.groups;
      return { rows: rows, option: hbar(rows, "人"), link: function (p) { return rows[p.dataIndex].url; } };
    },
    categories: function (d) {
      var rows = d.cases.categories;
      return {
        rows: rows,
        option: base({
          tooltip: { trigger: "item", formatter: "{b}: {c} 件 ({d}%)" },
          series: [{
            type: "pie", radius: ["35%", "68%"],
            data: rows.map(function (r) { return { name: r.label, value: r.value }; }),
            label: { formatter: "{b}\n{c}", color: text }
          }]
        }),
        link: function (p) { return rows[p.dataIndex].url; }
      };
    },
    trend: function (d) {
      var rows = d.cases.trend;
      return {
        rows: rows,
        option: base({
          tooltip: { trigger: "axis" },
          legend: { data: ["受理", "办结"], textStyle: { color: text } },
          grid: { left: 8, right: 16, bottom: 8, top: 30, containLabel: true },
          xAxis: { type: "category", data: rows.map(function (r) { return r.label.replace(/^\d+年/, ""); }) },
          yAxis: { type: "value", minInterval: 1 },
          series: [
            { name: "受理", type: "bar", data: rows.map(function (r) { return r.accepted; }) },
            { name: "办结", type: "line", smooth: true, data: rows.map(function (r) { return r.closed; }) }
          ]
        }),
        link: function (p) { var r = rows[p.dataIndex]; return p.seriesName === "办结" ? r.closed_url : r.accepted_url; }
      };
    },
    ranking: function (d) {
      var rows = d.cases.ranking;
      return {
        rows: rows,
        option: base({
          tooltip: {
            trigger: "axis", axisPointer: { type: "shadow" },
            formatter: function (ps) {
              var r = rows[ps[0].dataIndex];
              return r.name + "<br>按期结案率 " + (r.on_time_rate === null ? "—" : r.on_time_rate + "%") +
                "<br>满意率 " + (r.satisfaction_rate === null ? "—" : r.satisfaction_rate + "%") +
                "<br>超期未结 " + r.overdue_open + " 件";
            }
          },
          grid: { left: 8, right: 48, bottom: 8, top: 8, containLabel: true },
          xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
          yAxis: { type: "category", inverse: true, data: rows.map(function (r) { return r.name; }) },
          series: [{
            type: "bar", data: rows.map(function (r) { return r.on_time_rate; }),
            label: { show: true, position: "right", formatter: "{c}%", color: text }
          }]
        }),
        link: function (p) { return rows[p.dataIndex].url; }
      };
    },
    errands: function (d) {
      if (!d.errands) return null;
      var rows = d.errands.by_month;
      return {
        rows: rows,
        option: base({
          tooltip: { trigger: "axis" },
          grid: { left: 8, right: 16, bottom: 8, top: 16, containLabel: true },
          xAxis: { type: "category", data: rows.map(function (r) { return r.label.replace(/^\d+年/, ""); }) },
          yAxis: { type: "value", minInterval: 1 },
          series: [{ name: "代办", type: "bar", data: rows.map(function (r) { return r.value; }) }]
        }),
        link: function () { return null; }
      };
    },
    support: function (d) {
      var rows = d.support.kinds.concat(d.support.statuses);
      return { rows: rows, option: hbar(rows, "户"), link: function (p) { return rows[p.dataIndex].url; } };
    }
  };

  function draw(d) {
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var key = el.getAttribute("data-chart");
      if (!builders[key]) return;
      var built = builders[key](d);
      if (!built) return;
      var chart = charts[key];
      if (!chart) {
        chart = charts[key] = echarts.init(el, theme);
        chart.on("click", function (p) {
          var target = charts[key].__link && charts[key].__link(p);
          if (target) window.location.href = target;
        });
      }
      chart.__link = built.link;
      chart.setOption(built.option, true);
    });
  }

  function figures(d) {
    var out = {};
    var lists = [d.population.figures, d.population.floating, d.cases.figures, d.cases.rates, d.support.jobs,
      [d.support.flagged], d.openness ? d.openness.figures : [], d.errands ? d.errands.figures : []];
    lists.forEach(function (list) { list.forEach(function (f) { out[f.key] = f; }); });
    return out;
  }

  function update(d) {
    var byKey = figures(d);
    document.querySelectorAll("[data-figure]").forEach(function (el) {
      var f = byKey[el.getAttribute("data-figure")];
      var target = el.querySelector(".stat-figure");
      if (!f || !target) return;
      target.textContent = f.value === null ? "—" : f.value + (f.suffix === "%" ? "%" : "");
    });
    var stamp = document.querySelector("[data-generated]");
    if (stamp) stamp.textContent = d.generated_at;
    draw(d);
  }

  draw(data);
  window.addEventListener("resize", function () {
    Object.keys(charts).forEach(function (k) { charts[k].resize(); });
  });

  var every = parseInt(document.body.getAttribute("data-refresh") || "0", 10);
  var url = document.body.getAttribute("data-source");
  if (every > 0 && url) {
    window.setInterval(function () {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (d) { if (d) update(d); })
        .catch(function () { /* keep showing the last figures; the next tick tries again */ });
    }, every * 1000);
  }
})();
