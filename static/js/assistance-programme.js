// Programme page: a bar chart of how far the grants got, from the page's json_script block.
(function () {
  "use strict";
  var source = document.getElementById("assistance-chart-data");
  var canvas = document.getElementById("assistance-funnel-chart");
  if (!source || !canvas || typeof Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [{ label: canvas.getAttribute("aria-label"), data: data.values, backgroundColor: "#1f5f8b" }],
    },
    options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
})();
