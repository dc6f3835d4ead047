/*
 * Small enhancements; every page works without this file.
 *
 * After a form comes back with errors, move focus to its error summary so
 * that keyboard and screen-reader users start where the problem is
 * (the pattern of Designsystemet's ErrorSummary and GOV.UK).
 */
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
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
