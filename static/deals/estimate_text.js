// The admin's "as written" figure inputs: show what the typed text reads as, in words, before saving.
(function () {
  "use strict";
  var timers = new WeakMap();

  function show(input) {
    var output = document.getElementById(input.id + "_words");
    if (!output) return;
    var text = input.value.trim();
    if (!text) {
      output.textContent = "";
      output.classList.remove("errornote");
      return;
    }
    var url = input.getAttribute("data-estimate-preview") + "?" + new URLSearchParams({ text: text });
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (input.value.trim() !== text) return; // typed on meanwhile
        output.textContent = data.words || data.error || "";
        output.classList.toggle("errornote", !data.words);
      })
      .catch(function () { output.textContent = ""; });
  }

  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[data-estimate-preview]")) return;
    clearTimeout(timers.get(input));
    timers.set(input, setTimeout(function () { show(input); }, 200));
  });
})();
