// Quick exit: leave for a neutral site, replacing this page in the history so Back
// does not return here. Also triggered by pressing Shift three times in a row.
(function () {
  "use strict";
  var button = document.getElementById("quick-exit");
  if (!button) return;
  var target = button.getAttribute("href");

  function leave(event) {
    if (event) event.preventDefault();
    document.body.style.visibility = "hidden";
    document.title = "";
    window.location.replace(target);
  }

  button.addEventListener("click", leave);

  var presses = 0;
  var timer = null;
  document.addEventListener("keyup", function (event) {
    if (event.key !== "Shift") {
      presses = 0;
      return;
    }
    presses += 1;
    clearTimeout(timer);
    timer = setTimeout(function () { presses = 0; }, 1500);
    if (presses >= 3) leave();
  });
})();
