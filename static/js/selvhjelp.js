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
