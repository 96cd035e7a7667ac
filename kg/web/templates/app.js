// Suggestions as you type: fills the <datalist> of an input marked data-suggest="KIND"
// from /suggest/KIND?q=… (same origin; the page's Content-Security-Policy allows nothing else).
(function () {
  "use strict";
  var lang = new URLSearchParams(window.location.search).get("lang") || "";
  document.querySelectorAll("input[data-suggest]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list) { return; }
    var timer = null;
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      var text = input.value;
      if (text.length < 2) { return; }
      timer = window.setTimeout(function () {
        var url = "/suggest/" + encodeURIComponent(input.dataset.suggest) + "?q=" + encodeURIComponent(text) +
          (lang ? "&lang=" + encodeURIComponent(lang) : "");
        fetch(url, {credentials: "same-origin"}).then(function (r) { return r.ok ? r.json() : []; }).then(function (names) {
          list.replaceChildren();
          names.forEach(function (name) {
            var option = document.createElement("option");
            option.value = name;
            list.appendChild(option);
          });
        }).catch(function () {});
      }, 150);
    });
  });
})();
