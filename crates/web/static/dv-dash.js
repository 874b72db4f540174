// The DASH checklist's running count: how many questions are answered "yes" and the
// level that gives, updated as answers are given. The levels for every count come from
// the server (data-levels), so the rule lives in one place; without this script the
// form still counts on "Count the answers" and on saving.
(function () {
  "use strict";
  var form = document.getElementById("dash-form");
  var count = document.getElementById("yes-count");
  var meaning = document.getElementById("dash-meaning");
  if (!form || !count || !meaning) {
    return;
  }
  var levels = (form.getAttribute("data-levels") || "").split(";").map(function (entry) {
    var parts = entry.split("|");
    return { label: parts[0], className: parts[1] };
  });
  function update() {
    var yes = form.querySelectorAll('input[type="radio"][value="yes"]:checked').length;
    count.textContent = String(yes);
    var level = levels[Math.min(yes, levels.length - 1)];
    if (level) {
      meaning.textContent = level.label;
      meaning.className = level.className;
    }
  }
  form.addEventListener("change", update);
  update();
})();
