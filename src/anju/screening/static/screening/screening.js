// The return form: "再加一件" adds a matter row to a domain's formset (零报告 asks first: data-confirm, in anju/anju.js).
(function () {
  "use strict";
  function setup() {
    document.querySelectorAll(".add-matter").forEach(function (button) {
      button.addEventListener("click", function () {
        var prefix = button.getAttribute("data-prefix");
        var details = button.closest("details");
        var total = details.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
        var template = details.querySelector("template.matter-template");
        var index = parseInt(total.value, 10);
        var html = template.innerHTML.replace(/__prefix__/g, String(index));
        details.querySelector(".matter-forms").insertAdjacentHTML("beforeend", html);
        total.value = String(index + 1);
      });
    });
    // Ticking 无 for a domain folds its matter rows away.
    document.querySelectorAll(".domain-row").forEach(function (row) {
      var box = row.querySelector(".none-box input");
      var details = row.querySelector("details");
      if (!box || !details) return;
      box.addEventListener("change", function () { if (box.checked) details.open = false; });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
