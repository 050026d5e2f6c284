// Programme effect: the distribution of levels before and after assistance, from the page's json_script block.
(function () {
  "use strict";
  var source = document.getElementById("assessment-effect-data");
  var canvas = document.getElementById("assessment-effect-chart");
  if (!source || !canvas || typeof Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.levels,
      datasets: [
        { label: data.labels[0], data: data.before, backgroundColor: "#adb5bd" },
        { label: data.labels[1], data: data.after, backgroundColor: "#1f5f8b" },
      ],
    },
    options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
})();
