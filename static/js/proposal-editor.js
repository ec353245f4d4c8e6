// The proposal editor's helpers. The server stays the authority on every limit; these only help
// while typing: a live word count per section, a question before destructive buttons, and a
// warning before leaving the page with unsaved text.
(function () {
  "use strict";

  // Words as the server counts them (innovations.validators.count_words): runs of non-space.
  function countWords(text) {
    var words = text.match(/\S+/g);
    return words ? words.length : 0;
  }

  document.querySelectorAll("textarea[data-word-counter]").forEach(function (box) {
    var output = document.querySelector('[data-word-count-for="' + box.id + '"]');
    if (!output) { return; }
    var min = parseInt(box.getAttribute("data-min-words") || "0", 10);
    var max = parseInt(box.getAttribute("data-max-words") || "", 10);
    var template = output.textContent.trim().replace(/^\d+/, "{n}");
    function update() {
      var words = countWords(box.value);
      output.textContent = template.replace("{n}", words) + (
        !isNaN(max) ? " / " + max : ""
      );
      output.classList.toggle("over", !isNaN(max) && words > max);
      output.classList.toggle("under", words > 0 && words < min);
      output.classList.toggle("ok", words >= min && (isNaN(max) || words <= max) && words > 0);
    }
    box.addEventListener("input", update);
    update();
  });

  document.querySelectorAll("[data-confirm]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      if (!window.confirm(button.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });

  var editor = document.getElementById("proposal-editor");
  if (editor) {
    var dirty = false;
    editor.addEventListener("input", function () { dirty = true; });
    editor.addEventListener("change", function () { dirty = true; });
    editor.addEventListener("submit", function () { dirty = false; });
    window.addEventListener("beforeunload", function (event) {
      if (dirty) {
        event.preventDefault();
        event.returnValue = editor.getAttribute("data-unsaved-warning");
        return event.returnValue;
      }
    });
  }

  // "New proposal": the new-innovation fields matter only when no existing innovation is chosen.
  var choice = document.getElementById("id_innovation");
  var fieldset = document.querySelector("[data-new-innovation]");
  if (choice && fieldset) {
    var sync = function () { fieldset.disabled = choice.value !== ""; };
    choice.addEventListener("change", sync);
    sync();
  }
})();
