// Countdown to the submission deadline. The page already shows the time left as the server
// computed it; this only keeps it ticking, corrected for a wrong clock on the visitor's PC.
(function () {
  "use strict";
  var pad = function (n) { return (n < 10 ? "0" : "") + n; };
  document.querySelectorAll("[data-countdown]").forEach(function (element) {
    var deadline = Date.parse(element.getAttribute("data-deadline"));
    var serverNow = Date.parse(element.getAttribute("data-server-now"));
    if (isNaN(deadline) || isNaN(serverNow)) { return; }
    var offset = serverNow - Date.now();  // server clock minus this PC's clock
    var parts = {};
    ["days", "hours", "minutes", "seconds"].forEach(function (name) {
      parts[name] = element.querySelector('[data-part="' + name + '"]');
    });
    var timer = null;
    function tick() {
      var left = Math.floor((deadline - (Date.now() + offset)) / 1000);
      if (left <= 0) {
        element.textContent = element.getAttribute("data-closed-text");
        element.classList.add("text-danger");
        if (timer) { clearInterval(timer); }
        return;
      }
      var days = Math.floor(left / 86400);
      left -= days * 86400;
      var hours = Math.floor(left / 3600);
      left -= hours * 3600;
      var minutes = Math.floor(left / 60);
      var seconds = left - minutes * 60;
      if (parts.days) { parts.days.textContent = days; }
      if (parts.hours) { parts.hours.textContent = pad(hours); }
      if (parts.minutes) { parts.minutes.textContent = pad(minutes); }
      if (parts.seconds) { parts.seconds.textContent = pad(seconds); }
      element.classList.toggle("countdown-urgent", days === 0);
    }
    tick();
    timer = setInterval(tick, 1000);
  });
})();
