// Small progressive enhancements. Every page works without this file.
(function () {
  "use strict";
  // Move focus to an error summary when a form comes back with errors (WCAG 3.3.1).
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("form-errors");
    if (summary) { summary.focus(); }
  });
  // A table wider than its box scrolls inside it: make that box a labelled, focusable region so
  // keyboard users can scroll it too (WCAG 2.1.1); the label is the table's caption.
  function markScrollingTables(root) {
    var wraps = (root.querySelectorAll ? root : document).querySelectorAll(".utrecht-table__container");
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
  // Checkbox pickers (core.widgets.CheckboxPicker): a search field filters the long list; the
  // live line says how many are shown and chosen. Without this the list is a plain checkbox list.
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function setUpPicker(picker) {
    if (picker.hasAttribute("data-picker-ready")) { return; }
    picker.setAttribute("data-picker-ready", "");
    var search = picker.querySelector("[data-picker-search]");
    var status = picker.querySelector("[data-picker-status]");
    var options = Array.prototype.slice.call(picker.querySelectorAll(".picker__option"));
    var text = picker.getAttribute("data-picker-text");
    search.parentNode.hidden = false;
    function update() {
      var query = fold(search.value.trim());
      var shown = 0, chosen = 0;
      options.forEach(function (option) {
        var match = !query || fold(option.textContent).indexOf(query) !== -1;
        option.hidden = !match;
        if (match) { shown += 1; }
        if (option.querySelector("input").checked) { chosen += 1; }
      });
      status.textContent = text.replace("{shown}", shown).replace("{total}", options.length)
        .replace("{chosen}", chosen);
    }
    search.addEventListener("input", update);
    // Enter in the search field filters; it must not submit the form around it.
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }
    });
    picker.addEventListener("change", update);
    update();
  }
  function setUpPickers(root) {
    var scope = root && root.querySelectorAll ? root : document;
    Array.prototype.forEach.call(scope.querySelectorAll("[data-picker]"), setUpPicker);
  }
  document.addEventListener("DOMContentLoaded", function () { setUpPickers(document); });
  document.addEventListener("htmx:load", function (event) { setUpPickers(event.target); });
  // A confirmation that came with a new page (save, then redirect) sits in the live region from
  // the start, and screen readers do not announce what a page loads with. Say it once more in a
  // visually hidden live region, a moment after the page has loaded, so it is announced.
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("messages");
    var text = box ? box.textContent.trim() : "";
    if (!text) { return; }
    var announcer = document.createElement("div");
    announcer.id = "announcer";
    announcer.className = "visually-hidden";
    announcer.setAttribute("aria-live", "polite");
    document.body.appendChild(announcer);
    window.setTimeout(function () { announcer.textContent = text; }, 300);
  });
})();
