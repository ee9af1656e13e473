// The interactive part of an mrkg view. Data arrives as JSON; every string from it is written
// with textContent (or as a vis-network text tooltip), never as HTML.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("mrkg-data").textContent);
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var hidden = { kind: new Set(), category: new Set() };
  var nodeView = new vis.DataView(nodes, { filter: function (n) { return !hidden.kind.has(n.kind); } });
  var edgeView = new vis.DataView(edges, { filter: function (e) { return !hidden.category.has(e.category); } });
  var network = new vis.Network(document.getElementById("network"), { nodes: nodeView, edges: edgeView },
                                 data.options);
  var state = { nodes: nodes, edges: edges, network: network, drawn: false };
  window.mrkgView = state;
  network.once("afterDrawing", function () { state.drawn = true; });

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
      nodeView.refresh();
      edgeView.refresh();
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
    if (params.nodes.length) {
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
})();
