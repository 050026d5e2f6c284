/*
 * Region picker (templates/regions/_picker.html): province -> kab/kota -> kecamatan -> desa/kelurahan.
 *
 * Choosing a level clears and disables every level below it, then fetches the children of the choice
 * from the picker's `data-options-url` (the `regions:options` partial) into the next select. The hidden
 * `[data-region-value]` input always holds the deepest code chosen, which is what the form submits.
 *
 * The picker template includes this file once per picker, so it guards against running twice; pickers
 * swapped in later by htmx are set up through `htmx:load`.
 */
(function () {
  "use strict";

  if (window.napiterRegionPicker) {
    return;
  }

  var PICKER = "[data-region-picker]";

  function selectsOf(picker) {
    return Array.prototype.slice.call(picker.querySelectorAll("select[data-level]"));
  }

  /* Keep only the first option, the empty "— pilih —" placeholder every list starts with. */
  function clear(select) {
    while (select.options.length > 1) {
      select.remove(1);
    }
    select.value = "";
    select.disabled = true;
    select.removeAttribute("aria-busy");
    delete select.dataset.loadingParent;
  }

  function deepestCode(picker) {
    var code = "";
    var selects = selectsOf(picker);
    for (var i = 0; i < selects.length; i++) {
      if (!selects[i].value) {
        break;
      }
      code = selects[i].value;
    }
    return code;
  }

  function syncValue(picker) {
    var hidden = picker.querySelector("input[data-region-value]");
    var code = deepestCode(picker);
    if (hidden && hidden.value !== code) {
      hidden.value = code;
      // Hidden inputs fire no events of their own; forms and page scripts listen for this one.
      hidden.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  function showError(picker, message) {
    var status = picker.querySelector("[data-region-status]");
    if (status) {
      status.textContent = message;
      status.hidden = !message;
    }
  }

  function loadChildren(picker, select, parentCode) {
    var url = new URL(picker.dataset.optionsUrl, window.location.href);
    url.searchParams.set("parent", parentCode);
    // Remembered on the select so that a slow answer for an earlier choice is thrown away.
    select.dataset.loadingParent = parentCode;
    select.setAttribute("aria-busy", "true");
    return fetch(url.toString(), { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        // A redirect means the session ended and the body is the login page, not a list of options.
        if (!response.ok || response.redirected) {
          throw new Error("HTTP " + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        if (select.dataset.loadingParent !== parentCode) {
          return;
        }
        select.innerHTML = html;
        select.disabled = false;
        select.removeAttribute("aria-busy");
        delete select.dataset.loadingParent;
      })
      .catch(function () {
        if (select.dataset.loadingParent !== parentCode) {
          return;
        }
        select.removeAttribute("aria-busy");
        delete select.dataset.loadingParent;
        showError(picker, picker.dataset.errorText || "");
      });
  }

  function onChange(event) {
    var select = event.target;
    if (!(select instanceof HTMLSelectElement) || !select.matches(PICKER + " select[data-level]")) {
      return;
    }
    var picker = select.closest(PICKER);
    var selects = selectsOf(picker);
    var index = selects.indexOf(select);
    showError(picker, "");
    selects.slice(index + 1).forEach(clear);
    var next = selects[index + 1];
    if (next && select.value) {
      loadChildren(picker, next, select.value);
    }
    syncValue(picker);
  }

  /*
   * The server renders the right state; this repairs what the page holds when the script starts: what a
   * browser restores on back/forward, and a choice made before this script ran (on a slow connection a
   * person can pick a province before the deferred script arrives, and its change event went unheard).
   */
  function init(root) {
    var pickers = Array.prototype.slice.call(root.querySelectorAll(PICKER));
    if (root.matches && root.matches(PICKER)) {
      pickers.push(root);
    }
    pickers.forEach(function (picker) {
      var selects = selectsOf(picker);
      var parentChosen = true;
      selects.forEach(function (select, index) {
        if (!parentChosen) {
          clear(select);
        } else if (index > 0 && selects[index - 1].value && select.options.length <= 1) {
          loadChildren(picker, select, selects[index - 1].value);
        }
        parentChosen = parentChosen && select.value !== "";
      });
      syncValue(picker);
      picker.dataset.regionPickerReady = "true";
    });
  }

  document.addEventListener("change", onChange);
  document.addEventListener("htmx:load", function (event) {
    init(event.target);
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      init(document);
    });
  } else {
    init(document);
  }

  window.napiterRegionPicker = { init: init };
})();
