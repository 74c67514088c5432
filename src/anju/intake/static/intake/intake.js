// Intake pages: geolocation into hidden fields, anonymous toggle (confirmations before
// destructive forms: data-confirm, in anju/anju.js).
// No external services: the position comes from the browser only. Messages come from the template
// (data-msg-*) so they are translated with everything else.
(function () {
  "use strict";

  function setupGeo(box) {
    var button = box.querySelector("[data-geo-button]");
    var status = box.querySelector("[data-geo-status]");
    var form = box.closest("form");
    if (!button || !form) return;
    if (!("geolocation" in navigator)) {
      button.disabled = true;
      status.textContent = box.dataset.msgUnsupported;
      return;
    }
    button.addEventListener("click", function () {
      status.textContent = box.dataset.msgLocating;
      navigator.geolocation.getCurrentPosition(
        function (pos) {
          form.querySelector("input[name=latitude]").value = pos.coords.latitude.toFixed(6);
          form.querySelector("input[name=longitude]").value = pos.coords.longitude.toFixed(6);
          status.textContent = box.dataset.msgLocated + pos.coords.latitude.toFixed(5) + ", " +
            pos.coords.longitude.toFixed(5) + " (" + box.dataset.msgAccuracy.replace("%s", Math.round(pos.coords.accuracy)) + ")";
        },
        function (err) {
          status.textContent = err.code === 1 ? box.dataset.msgDenied : box.dataset.msgFailed;
        },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
      );
    });
  }

  function setupAnonymous(fieldset) {
    var box = fieldset.querySelector("input[name=anonymous]");
    if (!box) return;
    var sync = function () { fieldset.classList.toggle("is-anonymous", box.checked); };
    box.addEventListener("change", sync);
    sync();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-geo]").forEach(setupGeo);
    document.querySelectorAll("[data-contact]").forEach(setupAnonymous);
  });
})();
