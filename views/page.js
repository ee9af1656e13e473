// The interactive part of an mrkg view. Data arrives as JSON; every string from it is written
// with textContent (or as a vis-network text tooltip), never as HTML.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("mrkg-data").textContent);
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var hidden = { kind: new Set(), category: new Set() };
  var slider = document.getElementById("day");
  // With a date slider, a node is drawn only while one of its edges is (an edge is off the date when the
  // participation is not yet signed on the chosen day).
  var tied = null;
  function edgeShown(e) { return !hidden.category.has(e.category) && !e.offDate; }
  function countTies() {
    tied = new Set();
    edges.forEach(function (e) { if (edgeShown(e)) { tied.add(e.from); tied.add(e.to); } });
  }
  if (slider) { countTies(); }
  function nodeShown(n) { return !hidden.kind.has(n.kind) && (tied === null || tied.has(n.id)); }
  var nodeView = new vis.DataView(nodes, { filter: nodeShown });
  var edgeView = new vis.DataView(edges, { filter: edgeShown });
  var network = new vis.Network(document.getElementById("network"), { nodes: nodeView, edges: edgeView },
                                 data.options);
  var state = { nodes: nodes, edges: edges, network: network, drawn: false };
  window.mrkgView = state;
  network.once("afterDrawing", function () { state.drawn = true; });
  state.visibleEdges = function () { return edgeView.getIds(); };
  state.visibleNodes = function () { return nodeView.getIds(); };

  // Groups (instruments adopted within one organisation, or of one family) start collapsed; a click
  // on a group opens it and it stays open.
  var opened = new Set();
  // The groups collapsed now. vis-network's isCluster logs "Node does not exist" for an id it does not
  // know, such as a group left open because fewer than two of its nodes are drawn on the chosen date.
  var collapsed = new Set();
  function collapseGroups() {
    data.clusters.forEach(function (group) {
      if (opened.has(group.id)) { return; }
      // Counted on the nodes drawn now (after the type filters and the date slider).
      var inside = nodes.getIds({ filter: function (n) { return n.cluster === group.id && nodeShown(n); } });
      if (inside.length < 2) { return; }
      network.cluster({
        joinCondition: function (options) { return options.cluster === group.id; },
        clusterNodeProperties: { id: group.id, label: group.label, x: group.x, y: group.y, title: group.label + "\nclick to open",
                                 shape: "square", color: "#f28e2b", borderWidth: 3, size: 22,
                                 font: { size: 15, strokeWidth: 3, strokeColor: "#ffffff" }, kind: "group" }
      });
      collapsed.add(group.id);
    });
  }
  function openGroup(id) {
    if (collapsed.has(id)) { network.openCluster(id); collapsed.delete(id); }
  }
  function openGroups() { Array.from(collapsed).forEach(openGroup); }
  state.collapsed = function () {
    return data.clusters.map(function (g) { return g.id; }).filter(function (id) { return collapsed.has(id); });
  };
  state.openGroup = function (id) { opened.add(id); openGroup(id); };
  function refresh() {
    openGroups();
    if (slider) { countTies(); }
    nodeView.refresh();
    edgeView.refresh();
    collapseGroups();
  }
  collapseGroups();

  // Legend swatches take their colour from a data attribute (CSSOM, allowed by the page's CSP).
  document.querySelectorAll("[data-color]").forEach(function (element) {
    var colour = element.getAttribute("data-color");
    if (/^#[0-9a-fA-F]{6}$/.test(colour)) {
      if (element.classList.contains("line")) { element.style.borderTopColor = colour; }
      else { element.style.backgroundColor = colour; }
    }
  });

  // Filters by type: node kinds and edge categories.
  document.querySelectorAll("input[data-filter]").forEach(function (box) {
    box.addEventListener("change", function () {
      var set = hidden[box.getAttribute("data-filter")];
      if (box.checked) { set.delete(box.getAttribute("data-value")); }
      else { set.add(box.getAttribute("data-value")); }
      refresh();
    });
  });

  function showDetails(title, facts, iri) {
    var panel = document.getElementById("details");
    document.getElementById("details-title").textContent = title;
    var list = document.getElementById("details-facts");
    list.replaceChildren();
    facts.forEach(function (fact) {
      var name = document.createElement("dt");
      name.textContent = fact[0];
      var value = document.createElement("dd");
      value.textContent = fact[1];
      list.append(name, value);
    });
    var link = document.getElementById("details-link");
    link.replaceChildren();
    if (typeof iri === "string" && /^https?:\/\//.test(iri)) {
      var anchor = document.createElement("a");
      anchor.href = iri;
      anchor.target = "_blank";
      anchor.rel = "noopener noreferrer";
      anchor.textContent = iri;
      link.append("Entity IRI: ", anchor);
    }
    panel.hidden = false;
  }

  network.on("click", function (params) {
    if (params.nodes.length && collapsed.has(params.nodes[0])) {
      state.openGroup(params.nodes[0]);
    } else if (params.nodes.length) {
      var node = nodes.get(params.nodes[0]);
      showDetails(node.label, node.facts, node.iri);
    } else if (params.edges.length) {
      var edge = edges.get(params.edges[0]);
      showDetails(edge.heading, edge.facts, null);
    }
  });
  state.showNode = function (id) {
    var node = nodes.get(id);
    if (node) { showDetails(node.label, node.facts, node.iri); }
  };

  // Search: select and frame the visible nodes whose label or identifier contains the text.
  var search = document.getElementById("search");
  var status = document.getElementById("search-status");
  function runSearch() {
    var text = search.value.trim().toLowerCase();
    if (!text) { network.unselectAll(); status.textContent = ""; return []; }
    var found = nodeView.getIds({ filter: function (n) {
      return String(n.label).toLowerCase().indexOf(text) >= 0 || String(n.id).toLowerCase().indexOf(text) >= 0;
    } });
    network.selectNodes(found);
    if (found.length) { network.fit({ nodes: found, animation: false }); }
    status.textContent = found.length + (found.length === 1 ? " match" : " matches");
    return found;
  }
  search.addEventListener("input", runSearch);
  search.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      var found = runSearch();
      if (found.length) { state.showNode(found[0]); }
    }
  });
  state.search = function (text) { search.value = text; return runSearch(); };

  // The date slider: each edge takes the status period that contains the day (from <= day < until,
  // as agreements-of and agreements-binding read them); periods without a category are before the
  // signature, and the edge is not drawn.
  function isoDay(days) { return new Date(days * 86400000).toISOString().slice(0, 10); }
  function periodOn(periods, day) {
    for (var i = 0; i < periods.length; i += 1) {
      var p = periods[i];
      if ((p[0] === "" || p[0] <= day) && (p[1] === "" || day < p[1])) { return p; }
    }
    return null;
  }
  state.setDay = function (day) {
    var changes = [];
    var inForce = 0;
    var drawn = 0;
    edges.forEach(function (e) {
      if (!e.periods) { return; }
      var p = periodOn(e.periods, day);
      var category = p ? p[2] : null;
      var facts = e.facts.slice();
      if (p && facts.length && facts[0][0].indexOf("status on the date") === 0) {
        facts[0] = ["status on the date", p[3]];
      }
      var change = { id: e.id, offDate: category === null, facts: facts,
                     title: [e.heading].concat(facts.map(function (f) { return f[0] + ": " + f[1]; })).join("\n") };
      if (category !== null) {
        var style = data.styles[category];
        change.category = category;
        change.color = style.color;
        change.dashes = style.dashes;
        drawn += 1;
        if (category === "in-force") { inForce += 1; }
      }
      changes.push(change);
    });
    edges.update(changes);
    refresh();
    document.getElementById("day-text").textContent = day;
    document.getElementById("day-summary").textContent = drawn + " participations on this day, " + inForce +
      " in force";
    return day;
  };
  if (slider) {
    slider.addEventListener("input", function () { state.setDay(isoDay(Number(slider.value))); });
    state.setDay(isoDay(Number(slider.value)));
  }
})();
