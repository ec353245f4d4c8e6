// Small progressive enhancements; every page works without them.
(function () {
  "use strict";
  // Language switcher: submit as soon as a language is chosen.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
})();
