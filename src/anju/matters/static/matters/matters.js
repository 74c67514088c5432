// Live level preview on the assess / residual forms: reads the matrix the page embeds as JSON.
(function () {
  "use strict";
  function setup() {
    var data = document.getElementById("risk-matrix");
    if (!data) return;
    var matrix = JSON.parse(data.textContent);
    document.querySelectorAll("form[data-matrix-preview]").forEach(function (form) {
      var selects = form.querySelectorAll("select");
      var out = form.querySelector(".level-preview");
      if (selects.length < 2 || !out) return;
      function update() {
        var l = parseInt(selects[0].value, 10), c = parseInt(selects[1].value, 10);
        out.textContent = "";
        if (!l || !c) return;
        var code = matrix.grid[l - 1] && matrix.grid[l - 1][c - 1];
        var level = code && matrix.levels[code];
        if (!level) return;
        var badge = document.createElement("span");
        badge.className = "badge level-" + code;
        badge.textContent = level.label;
        out.appendChild(badge);
        out.appendChild(document.createTextNode(" " + level.action));
      }
      selects[0].addEventListener("change", update);
      selects[1].addEventListener("change", update);
      update();
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();

// A refused form comes back open, with its messages beside the fields: open the page there, not at the top.
(function () {
  "use strict";
  function showRefused() {
    var message = document.querySelector("details.panel[open] .errorlist");
    var panel = message && message.closest("details.panel");
    if (panel) panel.scrollIntoView({ block: "start" });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", showRefused);
  else showRefused();
})();
