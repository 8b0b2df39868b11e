// Page behaviour without inline handlers (the CSP allows scripts from the site only):
// - an element with data-print prints the page (the print views' buttons);
// - a body with data-autoprint prints itself once loaded (after "print and record as printed");
// - a select with data-autosubmit submits its form when changed (the admin's language switch).
(function () {
  "use strict";
  function wire() {
    document.querySelectorAll("[data-print]").forEach(function (el) {
      el.addEventListener("click", function (event) {
        event.preventDefault();
        window.print();
      });
    });
    if (document.body && document.body.hasAttribute("data-autoprint")) {
      window.print();
    }
    document.querySelectorAll("select[data-autosubmit]").forEach(function (el) {
      el.addEventListener("change", function () {
        if (el.form) {
          el.form.submit();
        }
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wire);
  } else {
    wire();
  }
})();
