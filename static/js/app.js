// Small progressive enhancements. Every page works without this file.
(function () {
  "use strict";
  // Move focus to an error summary when a form comes back with errors (WCAG 3.3.1).
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); }
  });
  // A table wider than its box scrolls inside it: make that box a labelled, focusable region so
  // keyboard users can scroll it too (WCAG 2.1.1); the label is the table's caption.
  function markScrollingTables(root) {
    var wraps = (root.querySelectorAll ? root : document).querySelectorAll(".table-wrap");
    Array.prototype.forEach.call(wraps, function (wrap) {
      var scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
      if (scrolls && !wrap.hasAttribute("tabindex")) {
        var caption = wrap.querySelector("caption");
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", caption ? caption.textContent.trim() : document.title);
      } else if (!scrolls && wrap.getAttribute("tabindex") === "0") {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () { markScrollingTables(document); });
  document.addEventListener("htmx:load", function () { markScrollingTables(document); });
  window.addEventListener("resize", function () { markScrollingTables(document); });
  // Auto-submit selects marked data-autosubmit (filters), keeping a real submit button for no-JS.
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("[data-autosubmit]") && el.form && !el.form.hasAttribute("hx-get")) {
      el.form.requestSubmit();
    }
  });
})();
