// One-click acceptance of triage suggestions: a button's data-fill JSON sets form fields by name.
// With data-submit-link the form that owns a "matter" field is submitted after filling.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-fill]");
  if (!button) return;
  var values = JSON.parse(button.getAttribute("data-fill"));
  var lastForm = null;
  Object.keys(values).forEach(function (name) {
    document.querySelectorAll('[name="' + name + '"]').forEach(function (field) {
      field.value = values[name];
      field.dispatchEvent(new Event("change", { bubbles: true }));
      field.classList.add("triage-filled");
      lastForm = field.form || lastForm;
    });
  });
  if (button.hasAttribute("data-submit-link") && lastForm && lastForm.querySelector('[name="matter"]')) {
    if (window.confirm(button.textContent.trim() + "？")) lastForm.submit();
  }
});
