/* Charts for ECHO Hub reports, drawn with the vendored Chart.js.
 *
 * Each <canvas data-chart="..."> carries its numbers as JSON (no inline script, so a
 * strict Content Security Policy holds): {"type": "line" | "bar" | "hbar", "title",
 * "labels": [...], "series": [{"label", "data": [...]}], "aspectRatio", "xTitle"}.
 * The same numbers are in a table beside every chart, so nothing is lost without
 * JavaScript.
 */
(function () {
  "use strict";

  var BRAND = "#0b5563";
  var PALETTE = [BRAND, "#c2410c", "#6d28d9", "#15803d", "#b45309", "#0369a1", "#be185d", "#4d7c0f", "#475569"];

  function datasets(spec) {
    return spec.series.map(function (series, index) {
      var colour = PALETTE[index % PALETTE.length];
      var line = spec.type === "line";
      return {
        label: series.label,
        data: series.data,
        borderColor: colour,
        backgroundColor: line ? colour : colour + "cc",
        borderWidth: line ? 2 : 0,
        pointRadius: line && series.data.length > 60 ? 0 : 3,
        tension: 0.2,
        maxBarThickness: 48
      };
    });
  }

  function options(spec) {
    var horizontal = spec.type === "hbar";
    var countAxis = { beginAtZero: true, ticks: { precision: 0 } };
    var labelAxis = { ticks: { autoSkip: true, maxRotation: 0 } };
    if (spec.xTitle) {
      labelAxis.title = { display: true, text: spec.xTitle };
    }
    return {
      responsive: true,
      aspectRatio: spec.aspectRatio || 2,
      animation: false,
      indexAxis: horizontal ? "y" : "x",
      plugins: {
        legend: { display: spec.series.length > 1 },
        title: { display: Boolean(spec.title), text: spec.title, align: "start", color: "#1f2a30" }
      },
      scales: horizontal ? { x: countAxis, y: labelAxis } : { x: labelAxis, y: countAxis }
    };
  }

  function draw(canvas) {
    var spec;
    try {
      spec = JSON.parse(canvas.getAttribute("data-chart"));
    } catch (error) {
      return;
    }
    if (!spec || !spec.labels || spec.labels.length === 0) {
      canvas.hidden = true;
      return;
    }
    // eslint-disable-next-line no-new
    new window.Chart(canvas, {
      type: spec.type === "hbar" ? "bar" : spec.type,
      data: { labels: spec.labels, datasets: datasets(spec) },
      options: options(spec)
    });
  }

  function drawAll() {
    if (typeof window.Chart !== "function") {
      return;
    }
    Array.prototype.forEach.call(document.querySelectorAll("canvas[data-chart]"), draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
