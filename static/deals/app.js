// Behaviour the pages need besides htmx, kept out of the HTML so the Content-Security-Policy can refuse
// every inline script and event-handler attribute.
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field instanceof HTMLSelectElement && field.hasAttribute("data-submit-on-change") && field.form) {
    field.form.submit();
  }
});
