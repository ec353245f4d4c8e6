// Judging pages: confirmation before irreversible actions; on the score sheet, a live weighted
// total and no double submission.
// The page works without it; the server computes the real total and locks the sheet.
(function () {
  "use strict";
  document.querySelectorAll("[data-confirm]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      if (!window.confirm(button.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    });
  });

  var form = document.querySelector("[data-score-sheet]");
  if (!form) {
    return;
  }
  var output = form.querySelector("[data-score-total]");
  var inputs = form.querySelectorAll("input.score-input");

  function update() {
    var total = 0;
    var complete = true;
    inputs.forEach(function (input) {
      var value = parseFloat(input.value);
      var low = parseFloat(input.getAttribute("data-min"));
      var high = parseFloat(input.getAttribute("data-max"));
      var weight = parseFloat(input.getAttribute("data-weight"));
      if (isNaN(value) || value < low || value > high) {
        complete = false;
        return;
      }
      total += ((value - low) / (high - low)) * weight;
    });
    if (output) {
      var language = document.documentElement.lang || undefined;
      output.textContent = complete
        ? total.toLocaleString(language, { minimumFractionDigits: 2, maximumFractionDigits: 2 })
        : "—";
    }
  }
  inputs.forEach(function (input) {
    input.addEventListener("input", update);
  });
  update();

  // One submission per page: a second click while the first is on its way does nothing.
  form.addEventListener("submit", function (event) {
    if (form.getAttribute("data-sending") === "1") {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-sending", "1");
    // The clicked button's name must still reach the server: disable the buttons only after
    // the browser has collected the form data.
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        button.disabled = true;
      });
    }, 0);
  });
})();
