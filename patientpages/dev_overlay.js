// Dev server only (never in the built site): show the last rebuild's problems over the open page, and
// clear them once the files are fixed. Served from the dev server's own origin, so the pages'
// Content-Security-Policy (script-src 'self') allows it; it builds the overlay with DOM calls, never HTML.
(function () {
  "use strict";
  var shown = null;

  function show(problems) {
    hide();
    var style = document.createElement("link");
    style.rel = "stylesheet";
    style.href = "/_dev/overlay.css";
    var box = document.createElement("section");
    box.id = "dev-problems";
    box.setAttribute("role", "alert");
    var title = document.createElement("h2");
    title.textContent = "The last save did not build (" + problems.length + " problem" +
      (problems.length === 1 ? "" : "s") + "). This page is the last good one.";
    var list = document.createElement("ul");
    problems.forEach(function (line) {
      var item = document.createElement("li");
      var code = document.createElement("code");
      code.textContent = line;
      item.appendChild(code);
      list.appendChild(item);
    });
    box.appendChild(title);
    box.appendChild(list);
    document.head.appendChild(style);
    document.body.appendChild(box);
    shown = [style, box];
  }

  function hide() {
    if (shown) {
      shown.forEach(function (node) { node.remove(); });
      shown = null;
    }
  }

  var last = "";
  function poll() {
    fetch("/_dev/problems.json", { cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        var key = JSON.stringify(state.problems);
        if (key !== last) {
          last = key;
          if (state.problems.length) { show(state.problems); } else { hide(); }
        }
      })
      .catch(function () { /* the server is restarting: try again */ })
      .then(function () { setTimeout(poll, 400); });
  }
  poll();
})();
