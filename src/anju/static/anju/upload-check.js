// Checks chosen files against the server's limits before anything is sent (a phone on a slow line should not
// upload 20 MB only to be refused). Any <input type=file data-max-bytes> takes part; the limits and messages
// come from the server as data attributes (anju.core.uploads.browser_check_attrs). Files that fail are taken
// out of the selection and named next to the field; the server checks everything again.
(function () {
  "use strict";
  function allowed(file, input) {
    var types = (input.getAttribute("data-types") || "").split(",");
    if (file.type && types.indexOf(file.type) !== -1) return true;
    var name = file.name.toLowerCase();
    return (input.getAttribute("data-extensions") || "").split(",").some(function (ext) {
      return ext && name.slice(-ext.length) === ext && (!file.type || file.type === "application/octet-stream");
    });
  }
  function messageFor(input, key, name) {
    return (input.getAttribute("data-message-" + key) || "").replace("{name}", name);
  }
  function showErrors(input, errors) {
    var list = input.parentNode.querySelector("ul[data-upload-errors]");
    if (!list) {
      list = document.createElement("ul");
      list.className = "errorlist";
      list.setAttribute("data-upload-errors", "");
      list.setAttribute("role", "alert");
      input.insertAdjacentElement("afterend", list);
    }
    list.textContent = "";
    errors.forEach(function (text) {
      var item = document.createElement("li");
      item.textContent = text;
      list.appendChild(item);
    });
    list.hidden = errors.length === 0;
  }
  function check(input) {
    var maxBytes = parseInt(input.getAttribute("data-max-bytes"), 10);
    var maxFiles = parseInt(input.getAttribute("data-max-files"), 10) || 1;
    var kept = [], errors = [];
    Array.prototype.forEach.call(input.files || [], function (file) {
      if (maxBytes && file.size > maxBytes) errors.push(messageFor(input, "size", file.name));
      else if (!allowed(file, input)) errors.push(messageFor(input, "type", file.name));
      else if (kept.length >= maxFiles) errors.push(messageFor(input, "count", file.name));
      else kept.push(file);
    });
    if (errors.length) {
      // Keep the good files where the browser lets a script build a selection; else clear it all.
      try {
        var selection = new DataTransfer();
        kept.forEach(function (file) { selection.items.add(file); });
        input.files = selection.files;
      } catch (e) {
        input.value = "";
      }
    }
    showErrors(input, errors);
    var field = input.closest(".field");
    if (field) field.classList.toggle("has-error", errors.length > 0);
  }
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input.matches && input.matches("input[type=file][data-max-bytes]")) check(input);
  });
})();
