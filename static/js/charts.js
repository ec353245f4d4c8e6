// Draws every chart of the page with Chart.js (static/vendor/chartjs). Each
// <canvas data-kiks-chart="KEY"> reads its data from the JSON element with id KEY, written by
// Django's json_script from common.charts.Chart.spec: labels already translated, numbers plain.
// The table beside each chart carries the same numbers; this only adds the picture.
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") { return; }

  var PALETTE = {
    green: "#0b5d3b",
    grey: "#adb5bd",
    amber: "#e0a100",
    blue: "#2f6fb0",
    red: "#b02a37"
  };
  var reducedMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var locale = document.documentElement.lang || "id";
  var number = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });

  function format(value) {
    if (value === null || value === undefined) { return "—"; }
    if (Array.isArray(value)) { return number.format(value[0]) + " – " + number.format(value[1]); }
    return number.format(value);
  }

  function dataset(series) {
    var colour = PALETTE[series.colour] || PALETTE.green;
    var base = { label: series.label, data: series.data, backgroundColor: colour, borderColor: colour };
    if (series.kind === "line") {
      base.type = "line";
      base.fill = false;
      base.tension = 0;
      base.pointRadius = series.data.length > 40 ? 0 : 3;
      base.borderWidth = 2;
    } else if (series.kind === "point") {
      base.type = "line";
      base.showLine = false;
      base.pointStyle = "rectRot";
      base.pointRadius = 6;
      base.pointHoverRadius = 7;
      base.backgroundColor = "#212529";
      base.borderColor = "#ffffff";
      base.borderWidth = 1;
    } else {
      base.type = "bar";
      base.borderWidth = 0;
      base.maxBarThickness = 40;
    }
    return base;
  }

  // A vertical (or, on a horizontal chart, horizontal) dashed line at one label: a deadline.
  var markerPlugin = {
    id: "kiksMarker",
    afterDatasetsDraw: function (chart, _args, options) {
      var marker = options && options.marker;
      if (!marker) { return; }
      var index = chart.data.labels.indexOf(marker.label);
      if (index < 0) { return; }
      var horizontal = chart.options.indexAxis === "y";
      var scale = horizontal ? chart.scales.y : chart.scales.x;
      var at = scale.getPixelForValue(index);
      var area = chart.chartArea;
      var context = chart.ctx;
      context.save();
      context.strokeStyle = PALETTE.red;
      context.fillStyle = PALETTE.red;
      context.lineWidth = 2;
      context.setLineDash([6, 4]);
      context.beginPath();
      if (horizontal) {
        context.moveTo(area.left, at);
        context.lineTo(area.right, at);
      } else {
        context.moveTo(at, area.top);
        context.lineTo(at, area.bottom);
      }
      context.stroke();
      context.setLineDash([]);
      context.font = "12px system-ui, sans-serif";
      context.textBaseline = "top";
      var width = context.measureText(marker.text).width;
      var x = horizontal ? area.right - width - 4 : Math.min(at + 4, area.right - width);
      var y = horizontal ? at + 4 : area.top + 2;
      context.fillText(marker.text, Math.max(x, area.left), y);
      context.restore();
    }
  };

  function axis(title, options) {
    var scale = { title: { display: !!title, text: title }, ticks: {} };
    if (options) {
      Object.keys(options).forEach(function (name) { scale[name] = options[name]; });
    }
    return scale;
  }

  function config(spec) {
    var value = axis(spec.yTitle, { beginAtZero: true, stacked: spec.stacked });
    if (spec.yMin !== null && spec.yMin !== undefined) { value.min = spec.yMin; }
    if (spec.yMax !== null && spec.yMax !== undefined) { value.max = spec.yMax; }
    if (spec.wholeNumbers) { value.ticks.precision = 0; }
    value.ticks.callback = function (tick) { return number.format(tick); };
    var category = axis(spec.xTitle, { stacked: spec.stacked });
    category.ticks.autoSkip = true;
    var scales = spec.horizontal ? { x: value, y: category } : { x: category, y: value };
    return {
      type: "bar",
      data: { labels: spec.labels, datasets: spec.series.map(dataset) },
      plugins: [markerPlugin],
      options: {
        locale: locale,
        indexAxis: spec.horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: reducedMotion ? false : { duration: 400 },
        interaction: { mode: "index", intersect: false },
        scales: scales,
        plugins: {
          legend: { display: spec.series.length > 1, position: "bottom" },
          tooltip: {
            callbacks: {
              label: function (item) {
                return item.dataset.label + ": " + format(item.raw);
              }
            }
          },
          kiksMarker: { marker: spec.marker }
        }
      }
    };
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-kiks-chart"));
    if (!source) { return; }
    var spec;
    try {
      spec = JSON.parse(source.textContent);
    } catch (error) {
      return;
    }
    var box = canvas.parentElement;
    if (spec.horizontal && box) {
      // One row per label: the box grows with the labels rather than squeezing them.
      box.style.height = Math.max(160, spec.labels.length * 28 + 70) + "px";
    }
    new window.Chart(canvas, config(spec));
    canvas.setAttribute("data-kiks-chart-drawn", "true");
  }

  document.querySelectorAll("canvas[data-kiks-chart]").forEach(draw);
})();
