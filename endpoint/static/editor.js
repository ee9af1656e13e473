// The query editor at /sparql: YASGUI (vendored, static/yasgui) set up for this server.
//
// - Every query goes to this server's /sparql, whatever a tab or a shared link says.
// - Nothing is fetched from another site: the prefixes autocompleter offers the project's
//   prefixes (not prefix.cc's), the class and property autocompleters the ontology's terms (not
//   the Linked Open Vocabularies API), and there is no URL shortener or CORS proxy.
// - The page address is a permalink: after each run it holds the query (#query=...), and
//   YASGUI opens and runs the query of such an address.
// - Result cells show an entity's label and link to its page on this server.
// Values from the data reach the page only through the DOM, as text (textContent) or attribute
// values; where YASGUI wants a cell as HTML, it gets such a node serialised (outerHTML), so the
// data is escaped by the browser itself, never pasted into markup.
"use strict";

(function () {
  const settings = JSON.parse(document.getElementById("editor-settings").textContent);
  // What may stand between <...> in SPARQL (the IRIREF production): anything else is not looked up.
  const IRIREF = /^[^<>"{}|^`\\\x00-\x20]+$/;
  // Labels are looked up for at most this many IRIs of one answer: one page of the table at the
  // largest page size YASGUI offers short of "All".
  const MAX_LABELLED = 1000;
  const BATCH_CHARACTERS = 30000;

  // Where a link to an IRI goes (as pages.link_target on the server): under the dataset's base,
  // the local path, unless the rest would make a protocol-relative URL ("//host", "/\host");
  // otherwise an absolute http(s) IRI as it is. Anything else (javascript:, data:) is no link.
  function linkTarget(iri) {
    if (iri.startsWith(settings.base)) {
      const rest = iri.slice(settings.base.length);
      if (!/^[\/\\]/.test(rest) && !/[\x00-\x20\x7f\\]/.test(rest)) return "/" + rest;
    }
    if (/^https?:\/\/[^\/\\?#\s]/i.test(iri) && !/[\x00-\x20\x7f\\]/.test(iri)) return iri;
    return null;
  }

  // prefix:local for the project's prefixes and those the query declares, else the IRI.
  function compact(iri, prefixes) {
    for (const prefix in prefixes) {
      const namespace = prefixes[prefix];
      if (namespace && iri.startsWith(namespace) && iri.length > namespace.length) {
        return prefix + ":" + iri.slice(namespace.length);
      }
    }
    return iri;
  }

  const labels = new Map();

  // The labels of the local IRIs of an answer that have none known yet (English or untagged, as
  // the entity pages show them), in queries of at most BATCH_CHARACTERS of IRIs each: well under
  // the server's query size limit. The IRIs come from the server's own answer and are checked
  // against IRIREF before they are written into a query.
  async function fetchLabels(bindings) {
    const wanted = new Set();
    for (const row of bindings) {
      for (const name in row) {
        const term = row[name];
        if (term.type === "uri" && term.value.startsWith(settings.base) && !labels.has(term.value)
            && IRIREF.test(term.value)) wanted.add(term.value);
      }
      if (wanted.size >= MAX_LABELLED) break;
    }
    wanted.forEach((iri) => labels.set(iri, null));  // asked once, found or not
    let batch = [];
    let size = 0;
    for (const iri of wanted) {
      batch.push(iri);
      size += iri.length + 3;
      if (size >= BATCH_CHARACTERS) {
        await fetchLabelBatch(batch);
        batch = [];
        size = 0;
      }
    }
    if (batch.length) await fetchLabelBatch(batch);
  }

  async function fetchLabelBatch(iris) {
    const query = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
      + "SELECT ?iri (SAMPLE(?l) AS ?label) WHERE {\n  VALUES ?iri { " + iris.map((iri) => "<" + iri + ">").join(" ")
      + " }\n  ?iri rdfs:label ?l FILTER(LANG(?l) IN (\"en\", \"\"))\n} GROUP BY ?iri";
    try {
      const response = await fetch(settings.endpoint, {
        method: "POST", body: query,
        headers: { "Content-Type": "application/sparql-query", Accept: "application/sparql-results+json" },
      });
      if (!response.ok) return;  // these cells keep their compact IRIs
      const answer = await response.json();
      for (const row of answer.results.bindings) {
        if (row.iri && row.label) labels.set(row.iri.value, row.label.value);
      }
    } catch (error) {
      // A failed lookup leaves the compact IRIs: the answer itself is shown all the same.
    }
  }

  const Table = Yasgui.Yasr.plugins.table;

  // YASR's table, with cells for IRIs that show the label and link to this server's page.
  class LinkedTable extends Table {
    async draw(config) {
      const bindings = this.yasr.results ? this.yasr.results.getBindings() || [] : [];
      await fetchLabels(bindings);
      return super.draw(config);
    }

    // Searching and sorting read a cell's value as text. YASR hands it to DOMPurify instead, which
    // parses it as HTML: harmless, but the page's policy then reports any event handler attribute
    // that the data holds as a blocked script. Text it is, then; what is shown is unchanged.
    getColumns() {
      return super.getColumns().map((column, index) => index === 0 ? column : {
        ...column,
        render: (cell, type, row, meta) => (cell !== "" && (type === "filter" || type === "sort")
          ? cell.value : column.render(cell, type, row, meta)),
      });
    }

    getUriLinkFromBinding(binding, prefixes) {
      const iri = binding.value;
      const label = labels.get(iri);
      const shown = label || compact(iri, { ...settings.prefixes, ...(prefixes || {}) });
      const href = linkTarget(iri);
      const node = document.createElement(href === null ? "span" : "a");
      node.className = "iri";
      node.textContent = shown;
      node.title = iri;
      if (href !== null) {
        node.setAttribute("href", href);
        if (this.config.openIriInNewWindow) {
          node.target = "_blank";
          node.rel = "noopener noreferrer";
        }
      }
      if (label) node.dataset.label = "yes";
      return node.outerHTML;
    }
  }

  Yasgui.Yasr.registerPlugin("table", LinkedTable);

  // Autocompletion from what this page carries, never from another site.
  const prefixLines = Object.keys(settings.prefixes).sort()
    .map((prefix) => prefix + ": <" + settings.prefixes[prefix] + ">");
  Yasgui.Yasqe.forkAutocompleter("prefixes", { name: "prefixes", get: () => Promise.resolve(prefixLines) });
  const startingWith = (terms) => (yasqe, token) => {
    const typed = token && token.autocompletionString ? token.autocompletionString : "";
    return Promise.resolve(terms.filter((iri) => iri.startsWith(typed)));
  };
  Yasgui.Yasqe.forkAutocompleter("property", { name: "property", get: startingWith(settings.properties) });
  Yasgui.Yasqe.forkAutocompleter("class", { name: "class", get: startingWith(settings.classes) });

  function permalink(query) {
    return window.location.pathname + "#query=" + encodeURIComponent(query);
  }

  // What a shared link may set of a tab (YASGUI reads the address's fragment when it starts): the
  // query, its name and how its answer is shown or negotiated. Not the endpoint, not request
  // headers, not extra request parameters: those are dropped before YASGUI sees the link.
  const LINK_KEYS = new Set(["query", "tabTitle", "outputFormat", "outputSettings", "contentTypeSelect",
    "contentTypeConstruct", "requestMethod", "namedGraph", "defaultGraph"]);

  function keepSafeLinkKeys() {
    const fragment = new URLSearchParams(window.location.hash.slice(1));
    const kept = new URLSearchParams();
    fragment.forEach((value, key) => { if (LINK_KEYS.has(key)) kept.append(key, value); });
    if (kept.toString() !== fragment.toString()) {
      window.history.replaceState(null, "", window.location.pathname + (kept.toString() ? "#" + kept : ""));
    }
  }

  // Every tab queries this server, whatever a stored tab says.
  function keepThisEndpoint(tab) {
    if (tab && tab.getEndpoint() !== settings.endpoint) tab.setEndpoint(settings.endpoint);
  }

  function start() {
    keepSafeLinkKeys();
    const yasgui = new Yasgui(document.getElementById("editor"), {
      requestConfig: { endpoint: settings.endpoint, method: "POST" },
      endpointCatalogueOptions: { getData: () => [{ endpoint: settings.endpoint }], keys: [] },
      copyEndpointOnNewTab: true,
      corsProxy: undefined,
      yasqe: { value: settings.defaultQuery, prefixCcApi: null, createShortLink: undefined, resizeable: true },
      yasr: { prefixes: settings.prefixes, defaultPlugin: "table" },
      persistenceId: "mrkg-editor",
    });
    // Before the query is sent (the handler runs between YASGUI's "queryBefore" and its request).
    yasgui.on("queryBefore", (instance, tab) => keepThisEndpoint(tab));
    yasgui.persistentConfig.getTabs().forEach((id) => keepThisEndpoint(yasgui.getTab(id)));
    window.mrkgEditor = yasgui;

    yasgui.on("queryResponse", (instance, tab) => {
      window.history.replaceState(null, "", permalink(tab.getQuery()));
    });

    const choice = document.getElementById("examples");
    choice.addEventListener("change", () => {
      const example = settings.examples.find((e) => e.name === choice.value);
      if (!example) return;
      const tab = yasgui.getTab();
      tab.setQuery(example.text);
      tab.query().catch(() => {});  // YASGUI shows a failed query's error itself
    });
    document.getElementById("query-form").hidden = true;
    document.getElementById("editor-tools").hidden = false;
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
