// Destructive actions ask first: any form with data-confirm shows its message before submitting.
document.addEventListener("submit", function (event) {
  var message = event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});

// A select marked data-submit-on-change submits its form when the choice changes (no inline
// handlers: the Content-Security-Policy forbids them).
document.addEventListener("change", function (event) {
  if (event.target.matches("select[data-submit-on-change]") && event.target.form) {
    event.target.form.submit();
  }
});
