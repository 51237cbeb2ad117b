// Opening a notice records its receipt: a GET writes nothing, so as soon as
// the page is shown this script posts the page's own "Mark as read" form (its
// CSRF token included) and says it is done. Without script, or if the post
// fails, the button stays and does the same.
(function () {
  "use strict";

  function start() {
    var form = document.getElementById("circular-read-form");
    var done = document.getElementById("circular-read-done");
    if (!form || !done || !window.fetch) {
      return;
    }
    window
      .fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "X-Circular-Read": "1" },
      })
      .then(function (response) {
        if (response.status === 204) {
          done.textContent = form.dataset.readText;
          done.classList.remove("d-none");
          form.classList.add("d-none");
        }
      })
      .catch(function () {});
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
