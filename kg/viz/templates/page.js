/* kg viz: draw the network, search by name, filter by type. No network access, no eval,
   no HTML from data: every text reaches the page through textContent or vis-network's
   canvas and plain-text tooltips. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var S = data.strings;
  var container = document.getElementById("kg-network");
  var state = { ready: false, nodeCount: data.nodes.length, edgeCount: data.edges.length };
  window.kgViz = state;

  function markReady() {
    state.ready = true;
    document.body.setAttribute("data-ready", "true");
  }

  if (data.nodes.length === 0) {
    var empty = document.createElement("p");
    empty.className = "kg-empty";
    empty.textContent = S.empty;
    container.appendChild(empty);
    markReady();
    return;
  }

  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  state.network = network;
  state.nodes = nodes;
  state.edges = edges;

  if (data.options.physics && data.options.physics.enabled) {
    // Seeded start, a fixed number of iterations, then still: the page never keeps moving.
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      network.fit();
      network.once("afterDrawing", markReady);
      network.redraw();
    });
  } else {
    // Fit again once drawn: only then are the boxes' sizes known, so that no label is cut at an edge.
    network.once("afterDrawing", function () {
      var o = data.opening;
      if (o) {  // the top of the drawing, its whole width, never beyond 100 %: labels stay readable
        var s = Math.min(1.0, container.clientWidth / (o.right - o.left));
        network.moveTo({ position: { x: (o.left + o.right) / 2, y: o.top + container.clientHeight / (2 * s) },
                         scale: s, animation: false });
      } else {  // fit counts node centres, not their labels: leave room for the labels at the edges
        network.fit({ animation: false });
        network.moveTo({ scale: network.getScale() * 0.85, animation: false });
      }
      network.once("afterDrawing", markReady);
      network.redraw();
    });
  }

  // ---- search by name -------------------------------------------------------------
  function fold(text) {
    return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  var names = document.getElementById("kg-names");
  var seen = {};
  var sorted = data.nodes.map(function (n) { return n.label; }).sort();
  sorted.forEach(function (label) {
    if (!label || seen[label]) { return; }
    seen[label] = true;
    var option = document.createElement("option");
    option.value = label;
    names.appendChild(option);
  });
  var search = document.getElementById("kg-search");
  var found = document.getElementById("kg-found");
  function runSearch() {
    var query = fold(search.value.trim());
    if (!query) {
      network.unselectAll();
      found.textContent = "";
      return;
    }
    var ids = nodes.get({
      filter: function (n) { return !n.hidden && fold(n.search || n.label).indexOf(query) !== -1; }
    }).map(function (n) { return n.id; });
    network.selectNodes(ids);
    if (ids.length === 1) {
      network.focus(ids[0], { scale: 1.2, animation: false });
    } else if (ids.length > 1) {
      network.fit({ nodes: ids, animation: false });
    }
    found.textContent = ids.length ? S.found.replace("{n}", String(ids.length)) : S.none;
  }
  search.addEventListener("input", runSearch);
  search.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { search.value = ""; runSearch(); }
  });

  // ---- type filters -----------------------------------------------------------------
  var boxes = document.querySelectorAll("input[data-kind]");
  Array.prototype.forEach.call(boxes, function (box) {
    box.addEventListener("change", function () {
      var kind = box.getAttribute("data-kind");
      var changes = nodes.get({ filter: function (n) { return n.kind === kind; } })
        .map(function (n) { return { id: n.id, hidden: !box.checked }; });
      nodes.update(changes);
    });
  });
}());
