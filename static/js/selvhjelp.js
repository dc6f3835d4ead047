/*
 * Small enhancements; every page works without this file.
 *
 * After a form comes back with errors, move focus to its error summary so
 * that keyboard and screen-reader users start where the problem is
 * (the pattern of Designsystemet's ErrorSummary and GOV.UK).
 *
 * On a phone, the menu folds behind the header's menu button. Without this
 * file the button stays hidden and the menu is one row that scrolls sideways.
 */
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }

  var button = document.querySelector(".site-menu-button");
  if (button) {
    button.hidden = false;
    var setOpen = function (open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
    };
    button.addEventListener("click", function () {
      setOpen(button.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        setOpen(false);
        button.focus();
      }
    });
  }
})();

/*
 * A printable sheet's button: shown only where a script can print the page
 * (without it, the browser's own menu prints it, as the page says).
 */
(function () {
  "use strict";
  var button = document.querySelector("[data-print]");
  if (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  }
})();
