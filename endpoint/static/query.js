// The query page: runs the query through the SPARQL endpoint and shows the answer.
// Values from the data are only ever inserted as text (textContent), never as HTML.
"use strict";

const GRAPH_FORMATS = { ttl: "text/turtle", nt: "application/n-triples", jsonld: "application/ld+json" };
const RESULT_FORMATS = {
  json: "application/sparql-results+json", xml: "application/sparql-results+xml",
  csv: "text/csv", tsv: "text/tab-separated-values",
};

function element(name, text) {
  const node = document.createElement(name);
  if (text !== undefined) node.textContent = text;
  return node;
}

// Where a link to an IRI goes (as pages.link_target on the server): under the dataset's base, the
// local path, unless the rest would make a protocol-relative URL ("//host", "/\\host"); otherwise an
// absolute http(s) IRI as it is. Anything else (javascript:, data:) is not a link.
function linkTarget(iri) {
  const base = window.MRKG_BASE;
  if (base && iri.startsWith(base)) {
    const rest = iri.slice(base.length);
    if (!/^[\/\\]/.test(rest) && !/[\x00-\x20\x7f\\]/.test(rest)) return "/" + rest;
  }
  if (/^https?:\/\/[^\/\\?#\s]/i.test(iri) && !/[\x00-\x20\x7f\\]/.test(iri)) return iri;
  return null;
}

function termNode(term) {
  if (!term) return document.createTextNode("");
  if (term.type === "uri") {
    const href = linkTarget(term.value);
    if (href === null) return document.createTextNode(term.value);
    const link = element("a", term.value);
    link.href = href;
    return link;
  }
  let text = term.value;
  if (term["xml:lang"]) text += " @" + term["xml:lang"];
  return document.createTextNode(text);
}

function showTable(data, answer) {
  if (typeof data.boolean === "boolean") {
    answer.appendChild(element("p", data.boolean ? "yes" : "no"));
    return;
  }
  const vars = data.head.vars;
  const rows = data.results.bindings;
  answer.appendChild(element("p", rows.length + (rows.length === 1 ? " row" : " rows")));
  const table = element("table");
  const head = element("tr");
  vars.forEach((v) => head.appendChild(element("th", v)));
  table.appendChild(head);
  rows.forEach((row) => {
    const line = element("tr");
    vars.forEach((v) => { const cell = element("td"); cell.appendChild(termNode(row[v])); line.appendChild(cell); });
    table.appendChild(line);
  });
  answer.appendChild(table);
}

async function run(event) {
  event.preventDefault();
  const query = document.getElementById("query").value;
  const format = document.getElementById("format").value;
  const answer = document.getElementById("answer");
  const status = document.getElementById("status");
  answer.replaceChildren();
  status.textContent = "running…";
  const isGraph = /^\s*(PREFIX\s+\S*\s*<[^>]*>\s*|BASE\s*<[^>]*>\s*|#[^\n]*\n\s*)*(CONSTRUCT|DESCRIBE)\b/i.test(query);
  let accept = RESULT_FORMATS[format] || RESULT_FORMATS.json;
  if (isGraph) accept = GRAPH_FORMATS[format] || GRAPH_FORMATS.ttl;
  const started = performance.now();
  try {
    const response = await fetch(document.getElementById("query-form").action, {
      method: "POST", headers: { "Content-Type": "application/sparql-query", Accept: accept }, body: query,
    });
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    const text = await response.text();
    status.textContent = response.status + " in " + seconds + " s";
    const cut = response.headers.get("MRKG-Truncated");
    if (cut) answer.appendChild(element("p", "Note: " + cut + ".")).className = "note";
    if (!response.ok) { answer.appendChild(element("p", text)).className = "error"; return; }
    if (!isGraph && (format === "html" || format === "json")) showTable(JSON.parse(text), answer);
    else answer.appendChild(element("pre", text));
  } catch (error) {
    status.textContent = "";
    answer.appendChild(element("p", String(error))).className = "error";
  }
}

document.addEventListener("DOMContentLoaded", () => {
  const examples = JSON.parse(document.getElementById("example-data").textContent);
  window.MRKG_BASE = document.body.dataset.base || "";
  document.getElementById("examples").addEventListener("change", (event) => {
    const example = examples[Number(event.target.value)];
    if (example) document.getElementById("query").value = example.text;
  });
  document.getElementById("query-form").addEventListener("submit", run);
});
