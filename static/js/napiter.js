/*
 * Site-wide behaviour, attached from this file rather than from inline attributes: the
 * Content-Security-Policy (script-src 'self') forbids inline script, including onchange="...".
 *
 * - A <select data-autosubmit> submits its form when its value changes (the footer's language switch).
 *   Without JavaScript the switch shows its own submit button (<noscript>).
 */
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!(target instanceof HTMLSelectElement) || !target.hasAttribute("data-autosubmit") || !target.form) {
      return;
    }
    if (typeof target.form.requestSubmit === "function") {
      target.form.requestSubmit();
    } else {
      target.form.submit();
    }
  });
})();
