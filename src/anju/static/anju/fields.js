// Form behaviour shared by several pages, as delegated listeners (the Content-Security-Policy allows no
// inline handlers). Progressive: without it every field shows and every box is ticked by hand.
//   <input type=checkbox data-select-all="NAME">  ticks or clears every checkbox named NAME of its page
//                                                  (the ledger's "select this page");
//   <div data-shown-for="a b">                     shown only while its form's <select name="action"> or
//   <div data-shown-for="a b" data-shown-by="kind"> <select name="kind"> (data-shown-by) is a or b.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var all = event.target.closest ? event.target.closest("input[data-select-all]") : null;
    if (!all) return;
    var name = all.getAttribute("data-select-all");
    document.querySelectorAll("input[type=checkbox][name='" + name + "']").forEach(function (box) {
      box.checked = all.checked;
    });
  });

  function controllerOf(block) {
    var form = block.closest("form");
    var name = block.getAttribute("data-shown-by") || "action";
    if (!form) return null;
    return form.querySelector("select[name='" + name + "'], select[name$='-" + name + "']");
  }
  function refresh(root) {
    (root || document).querySelectorAll("[data-shown-for]").forEach(function (block) {
      var select = controllerOf(block);
      if (!select) return;
      var values = block.getAttribute("data-shown-for").split(" ");
      block.hidden = values.indexOf(select.value) === -1;
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.tagName === "SELECT") refresh();
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { refresh(); });
  else refresh();
  document.addEventListener("htmx:load", function () { refresh(); });
})();
