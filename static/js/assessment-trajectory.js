// Assessment trajectory: levels (and domain scores where the reader may see them) over time, with case
// stages on the same axis; data from the page's json_script block.
(function () {
  "use strict";
  var source = document.getElementById("assessment-trajectory-data");
  var canvas = document.getElementById("assessment-trajectory-chart");
  if (!source || !canvas || typeof Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var points = data.points;
  var labels = points.map(function (p) { return p.date; });
  var palette = ["#6c757d", "#198754", "#fd7e14", "#6610f2", "#20c997", "#d63384"];
  var domainCodes = [];
  points.forEach(function (p) {
    Object.keys(p.domain_scores || {}).forEach(function (code) {
      if (domainCodes.indexOf(code) < 0) { domainCodes.push(code); }
    });
  });
  var datasets = [{
    label: canvas.getAttribute("aria-label"),
    data: points.map(function (p) { return p.kind === "assessment" ? p.level_rank : null; }),
    borderColor: "#1f5f8b",
    backgroundColor: "#1f5f8b",
    spanGaps: true,
    yAxisID: "level",
    tension: 0,
  }, {
    label: "Tahap kasus",
    data: points.map(function (p) { return p.kind === "stage" ? 0.5 : null; }),
    showLine: false,
    pointStyle: "triangle",
    pointRadius: 7,
    borderColor: "#dc3545",
    backgroundColor: "#dc3545",
    yAxisID: "level",
  }, {
    label: "Penyaluran bantuan",
    data: points.map(function (p) { return p.kind === "grant" ? 0.5 : null; }),
    showLine: false,
    pointStyle: "rectRot",
    pointRadius: 8,
    borderColor: "#198754",
    backgroundColor: "#198754",
    yAxisID: "level",
  }];
  domainCodes.forEach(function (code, i) {
    datasets.push({
      label: code + " (%)",
      data: points.map(function (p) {
        return p.kind === "assessment" && p.domain_scores[code] !== undefined ? Number(p.domain_scores[code]) : null;
      }),
      borderColor: palette[i % palette.length],
      borderWidth: 1,
      spanGaps: true,
      yAxisID: "domain",
    });
  });
  new Chart(canvas, {
    type: "line",
    data: { labels: labels, datasets: datasets },
    options: {
      plugins: {
        tooltip: {
          callbacks: {
            label: function (ctx) {
              var p = points[ctx.dataIndex];
              return ctx.datasetIndex < 3 ? p.title : ctx.dataset.label + ": " + ctx.formattedValue;
            },
          },
        },
      },
      scales: {
        level: {
          position: "left",
          min: 0,
          max: data.levels.length + 0.5,
          ticks: {
            stepSize: 1,
            callback: function (value) { return data.levels[value - 1] || ""; },
          },
        },
        domain: { position: "right", min: 0, max: 100, display: domainCodes.length > 0, grid: { drawOnChartArea: false } },
      },
    },
  });
})();
