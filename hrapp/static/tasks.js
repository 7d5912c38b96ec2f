// Background work: a page with data-task-progress-url polls the run's progress once a second,
// moves the bar, and reloads itself once when the run has ended (the page then shows the result).
(function () {
  function paint(fill, percent) {
    fill.style.width = percent + "%";
    fill.textContent = percent + "%";
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-task-fill]").forEach(function (fill) {
      paint(fill, parseInt(fill.getAttribute("data-percent"), 10) || 0);
    });
    var box = document.querySelector("[data-task-progress-url]");
    if (!box) { return; }
    var url = box.getAttribute("data-task-progress-url");
    var fill = box.querySelector("[data-task-fill]");
    var bar = box.querySelector("[data-task-bar]");
    function poll() {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) { window.setTimeout(poll, 3000); return; }
          paint(fill, data.percent);
          bar.setAttribute("aria-valuenow", data.percent);
          box.querySelector("[data-task-status]").textContent = data.status_label;
          box.querySelector("[data-task-count]").textContent = data.total ? data.done + " / " + data.total : "";
          box.querySelector("[data-task-step]").textContent = data.step || "";
          if (data.finished) { window.location.reload(); } else { window.setTimeout(poll, 1000); }
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    }
    window.setTimeout(poll, 500);
  });
})();
