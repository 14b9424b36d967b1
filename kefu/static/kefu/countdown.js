// Ticks the deadline countdowns (.countdown[data-due]) the server rendered, with the server's own words
// (#countdown-i18n), so a queue left open on a desk stays right without reloading.
(function () {
  "use strict";
  function words() {
    var node = document.getElementById("countdown-i18n");
    return node ? JSON.parse(node.textContent) : null;
  }
  function fill(template, values) {
    return template.replace(/%\((\w+)\)d|%\((\w+)\)s/g, function (_, d, s) {
      return String(values[d || s]);
    });
  }
  function duration(w, seconds) {
    var minutes = Math.max(Math.floor(seconds / 60), 0);
    var days = Math.floor(minutes / 1440);
    var hours = Math.floor((minutes % 1440) / 60);
    var mins = minutes % 60;
    if (days) return fill(w.dh, { d: days, h: hours });
    if (hours) return fill(w.hm, { h: hours, m: mins });
    return fill(w.m, { m: mins });
  }
  function tick() {
    var w = words();
    if (!w) return;
    var now = Date.now();
    document.querySelectorAll(".countdown[data-due]").forEach(function (el) {
      var due = Date.parse(el.getAttribute("data-due"));
      if (isNaN(due)) return;
      var left = (due - now) / 1000;
      el.textContent = left >= 0 ? fill(w.left, { time: duration(w, left) }) : fill(w.over, { time: duration(w, -left) });
      el.classList.toggle("overdue", left < 0);
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    tick();
    setInterval(tick, 30000);
  });
  document.addEventListener("htmx:afterSwap", tick);
})();
