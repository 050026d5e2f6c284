// Dashboard charts: one bar chart per canvas, its numbers from the page's json_script block.
(function () {
  "use strict";
  var source = document.getElementById("dashboard-chart-data");
  if (!source || typeof Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  document.querySelectorAll("canvas.dashboard-chart").forEach(function (canvas) {
    var series = data[canvas.getAttribute("data-source")];
    if (!series) {
      return;
    }
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: series.labels,
        datasets: [{ label: canvas.getAttribute("aria-label"), data: series.values, backgroundColor: "#1f5f8b" }],
      },
      options: {
        indexAxis: "y",
        plugins: { legend: { display: false }, title: { display: true, text: canvas.getAttribute("aria-label") } },
        scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
  });
})();
