// Small progressive enhancements. Every page works without this file.
(function () {
  "use strict";
  // Move focus to an error summary when a form comes back with errors (WCAG 3.3.1).
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); }
  });
  // Auto-submit selects marked data-autosubmit (filters), keeping a real submit button for no-JS.
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("[data-autosubmit]") && el.form && !el.form.hasAttribute("hx-get")) {
      el.form.requestSubmit();
    }
  });
})();
