// Behaviour every page shares, as delegated listeners: the Content-Security-Policy allows no inline handlers.
//   <select data-autosubmit>       sends its form when the choice changes (filters, the language menu);
//   <form data-confirm="…">        asks before it is sent;
//   <button data-confirm="…">      asks before its click goes through;
//   <button data-print>            opens the browser's print dialog (the printable forms).
(function () {
  "use strict";
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
})();
