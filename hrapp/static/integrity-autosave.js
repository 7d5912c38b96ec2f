// Integrity check form: saves the draft in the background a few seconds after each change, so a
// dropped connection on site loses little. Same rules as the Save draft button (server-side); the
// CSRF token travels in a header. A failed save is retried when the browser is back online.
(function () {
  var form = document.querySelector("form[data-autosave-url]");
  if (!form || !window.fetch) { return; }
  var status = document.querySelector("[data-autosave-status]");
  var timer = null;
  var pending = false;

  function show(text) { if (status) { status.textContent = text; } }

  function save() {
    timer = null;
    var data = new FormData(form);
    var token = form.querySelector("input[name=csrf_token]");
    fetch(form.getAttribute("data-autosave-url"), {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-CSRFToken": token ? token.value : "", "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (result) {
      if (result.ok && result.body.saved) {
        pending = false;
        var version = form.querySelector("input[name=version]");
        if (version) { version.value = result.body.version; }
        show(form.getAttribute("data-saved-text") || ("✓ " + result.body.at));
      } else {
        pending = false;
        show(result.body.message || "✗");
      }
    }).catch(function () {
      pending = true;
      show("…");
    });
  }

  function schedule() {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(save, 3000);
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  window.addEventListener("online", function () { if (pending) { save(); } });
})();
