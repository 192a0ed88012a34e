// WCAG 2.2 (4.1.2) on every admin page: each autocomplete box (select2's combobox, and the
// textbox inside it that shows the choice) is named for its field, as its <select> is; select2
// names them only by the choice shown, so not at all while nothing is chosen. Select2 builds
// its boxes when jQuery is ready and when an inline row is added: each new box is named as it
// appears.
"use strict";
(function () {
  function fieldName(select) {
    const label = select.id && document.querySelector('label[for="' + select.id + '"]');
    const text = label ? label.textContent : select.getAttribute("aria-label") || select.name;
    return text.replace(/:\s*$/, "").trim();
  }
  function nameBoxes() {
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      const box = select.parentElement.querySelector(".select2-selection[role=combobox]");
      if (!box || box.hasAttribute("aria-label")) {
        return;
      }
      const name = fieldName(select);
      box.removeAttribute("aria-labelledby");
      box.setAttribute("aria-label", name);
      const shown = box.querySelector("[role=textbox]");
      if (shown) {
        shown.setAttribute("aria-label", name);
      }
    });
  }
  new MutationObserver(nameBoxes).observe(document.documentElement, {
    childList: true,
    subtree: true,
  });
})();
