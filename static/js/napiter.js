/*
 * Site-wide behaviour, attached from this file rather than from inline attributes: the
 * Content-Security-Policy (script-src 'self') forbids inline script, including onchange="...".
 *
 * - A <select data-autosubmit> submits its form when its value changes (the footer's language switch).
 *   Without JavaScript the switch shows its own submit button (<noscript>).
 * - Inline field checks (napiter.forms.field_check_response) swap a field's feedback out of band; the
 *   field's inputs are then marked invalid or valid to match, so the red border follows the message.
 */
(function () {
  "use strict";

  document.addEventListener("htmx:oobAfterSwap", function (event) {
    // The out-of-band swap replaced the element htmx reports; look up its successor by id.
    var swapped = event.detail && event.detail.target;
    var feedback = swapped && swapped.id ? document.getElementById(swapped.id) : null;
    if (!feedback || !feedback.classList.contains("field-feedback")) {
      return;
    }
    var invalid = feedback.querySelector(".invalid-feedback") !== null;
    var form = feedback.closest("form");
    var inputs = form ? form.querySelectorAll('[name="' + feedback.getAttribute("data-field") + '"]') : [];
    inputs.forEach(function (input) {
      input.classList.toggle("is-invalid", invalid);
      if (invalid) {
        input.setAttribute("aria-invalid", "true");
      } else {
        input.removeAttribute("aria-invalid");
      }
    });
  });

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
