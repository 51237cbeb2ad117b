// The weighted total of the scores typed so far on the expert's score sheet,
// computed as reviews/aggregation.py weighted_total does:
// sum(score / max * weight) / sum(weight) * 100, to two places, and "—" until
// every criterion has a valid score. Only a preview: the server's figure, shown
// after saving, is the one that counts. Without this script the page still works.
(function () {
  "use strict";

  function liveTotal(inputs) {
    var points = 0;
    var weights = 0;
    for (var i = 0; i < inputs.length; i++) {
      var input = inputs[i];
      var max = parseFloat(input.dataset.max);
      var weight = parseFloat(input.dataset.weight);
      var text = input.value.trim();
      var score = Number(text);
      if (text === "" || !isFinite(score) || score < 0 || score > max) {
        return null;
      }
      points += (score / max) * weight;
      weights += weight;
    }
    if (!inputs.length || weights <= 0) {
      return null;
    }
    // Round half up in hundredths; the epsilon absorbs binary noise (x.xx5).
    return (Math.round((points / weights) * 10000 + 1e-7) / 100).toFixed(2);
  }

  function start() {
    var form = document.querySelector("form.sheet-form");
    var live = document.getElementById("sheet-live");
    var output = document.getElementById("sheet-live-total");
    if (!form || !live || !output) {
      return;
    }
    var inputs = form.querySelectorAll("input[data-weight][data-max]");
    function update() {
      var total = liveTotal(inputs);
      output.textContent = total === null ? "—" : total;
    }
    form.addEventListener("input", update);
    live.hidden = false;
    update();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
