// A job's page follows its progress in place: the page is fetched again every few
// seconds and its #job section replaced, until the job is over (no data-refresh).
// Without JavaScript the page says to reload it (no meta refresh: a page that
// reloads by itself moves the reader's focus and cannot be paused).
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || !box.dataset.refresh || !window.fetch || !window.DOMParser) return;
  var every = Number(box.dataset.refresh) * 1000;
  var manual = document.getElementById("job-reload");
  if (manual) manual.hidden = true;

  function poll() {
    fetch(window.location.href, { credentials: "same-origin", cache: "no-store" })
      .then(function (answer) {
        return answer.ok ? answer.text() : Promise.reject(answer.status);
      })
      .then(function (html) {
        var next = new DOMParser()
          .parseFromString(html, "text/html")
          .getElementById("job");
        if (!next) return;
        box.replaceWith(next);
        box = next;
        var again = document.getElementById("job-reload");
        if (again) again.hidden = true;
        if (box.dataset.refresh) window.setTimeout(poll, every);
      })
      .catch(function () {
        window.setTimeout(poll, every * 3);
      });
  }
  window.setTimeout(poll, every);
})();
