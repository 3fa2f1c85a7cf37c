/* After a form comes back with errors, move focus to its error summary
   (progressive enhancement). Screen readers then read the summary, and Tab
   goes on to its links, each of which leads to a field in error. Without
   JavaScript the summary is still announced (role="alert") and comes before
   the form's fields, so Tab reaches it first. */
(function () {
  "use strict";
  var summary = document.querySelector(".error-summary");
  if (!summary) { return; }
  if (!summary.hasAttribute("tabindex")) { summary.setAttribute("tabindex", "-1"); }
  summary.focus();
}());
