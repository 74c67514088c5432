// Behaviour every page shares, as delegated listeners: the Content-Security-Policy allows no inline handlers.
//   <select data-autosubmit>       sends its form when the choice changes (filters, the language menu);
//   <form data-confirm="…">        asks before it is sent;
//   <button data-confirm="…">      asks before its click goes through;
//   <button data-print>            opens the browser's print dialog (the printable forms);
//   <button data-copy="#id">       copies that element's text (the receipt code), then shows data-copied.
//   <details data-open-wide open>  stays open on a wide screen and is folded on a phone (the menu, filters).
(function () {
  "use strict";
  var narrow = window.matchMedia ? window.matchMedia("(max-width: 640px)") : null;
  function fold() {
    var panels = document.querySelectorAll("details[data-open-wide]");
    for (var i = 0; i < panels.length; i++) panels[i].open = !narrow.matches;
  }
  if (narrow) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fold);
    else fold();
    if (narrow.addEventListener) narrow.addEventListener("change", fold);
  }
  document.addEventListener("change", function (event) {
    var select = event.target.closest ? event.target.closest("select[data-autosubmit]") : null;
    if (select && select.form) select.form.submit();
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute && form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  }, true);
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[data-confirm]") : null;
    if (button && !window.confirm(button.getAttribute("data-confirm"))) event.preventDefault();
  }, true);
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-print]") : null;
    if (button) window.print();
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[data-copy]") : null;
    var source = button && document.querySelector(button.getAttribute("data-copy"));
    if (!source) return;
    var text = source.textContent.trim();
    function done() {
      if (!button.hasAttribute("data-label")) button.setAttribute("data-label", button.textContent);
      button.textContent = button.getAttribute("data-copied") || button.getAttribute("data-label");
      window.setTimeout(function () { button.textContent = button.getAttribute("data-label"); }, 2000);
    }
    function byHand() {
      // No clipboard API (plain http, older browsers): select the text and use the old command.
      var range = document.createRange();
      range.selectNodeContents(source);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      if (document.execCommand && document.execCommand("copy")) done();
    }
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(done, byHand);
    else byHand();
  });
})();
