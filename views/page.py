"""One self-contained HTML page per view: pyvis builds the vis-network data, our template renders it.

pyvis's own template fetches Bootstrap from a CDN in every mode, writes headings
unescaped and switches every tooltip to raw HTML when a title contains ``href``,
so it is not used. Instead:

* vis-network and its CSS (shipped inside pyvis) and the page's own script and
  style are inlined, and a Content-Security-Policy admits exactly those (by
  SHA-256) and nothing else: no network, no other script, no inline handler;
* the graph travels as JSON in a ``<script type="application/json">`` block with
  ``<``, ``>`` and ``&`` escaped, read with ``JSON.parse``;
* headings, filters and legends go through Jinja's autoescaping; tooltips are
  plain strings, which vis-network writes with ``innerText``; the details panel
  is built with ``textContent``.
"""

from __future__ import annotations

import base64
import hashlib
import datetime as dt
import json
import math
from pathlib import Path

import jinja2
import pyvis
from pyvis.network import Network

from mrkg.views import layout
from mrkg.views.model import NODE_STYLES, Edge, Node, ViewGraph

HERE = Path(__file__).resolve().parent
VIS = Path(pyvis.__file__).resolve().parent / "lib" / "vis-9.1.2"
LARGE = 300  # nodes: above this, edges hide while dragging and labels shrink

_ENVIRONMENT = jinja2.Environment(loader=jinja2.FileSystemLoader(str(HERE)), autoescape=True,
                                  undefined=jinja2.StrictUndefined)


def tooltip(heading: str, facts) -> str:
    """A tooltip as plain text: vis-network shows string titles with innerText, never as HTML."""
    return "\n".join([heading, *(f"{fact.name}: {fact.value}" for fact in facts)])


def safe_link(iri: str | None) -> str | None:
    """Only http(s) IRIs become links (no javascript: or data: URLs from data)."""
    return iri if iri and iri.startswith(("https://", "http://")) else None


def _vis_node(node: Node) -> dict:
    style = NODE_STYLES[node.kind]
    data = {"label": node.label, "title": tooltip(node.label, node.facts), "color": style["color"],
            "shape": style["shape"], "size": node.size, "x": node.x, "y": node.y, "kind": node.kind,
            "iri": safe_link(node.iri), "facts": [[fact.name, fact.value] for fact in node.facts]}
    if node.value is not None:
        data["value"] = node.value
    if node.cluster is not None:
        data["cluster"] = node.cluster
    if node.kind in ("instrument", "programme"):  # titles wrap onto lines instead of one wide label
        data["widthConstraint"] = {"maximum": 170}
    return data


def _vis_edge(index: int, edge: Edge, view: ViewGraph) -> dict:
    style = view.edge_styles[edge.category]
    heading = f"{view.nodes[edge.source].label} → {view.nodes[edge.target].label}" if edge.directed else \
        f"{view.nodes[edge.source].label} — {view.nodes[edge.target].label}"
    return {"id": f"e{index}", "title": tooltip(heading, edge.facts), "color": style.color,
            "dashes": style.dashes if edge.dashes is None else edge.dashes, "width": edge.width, "arrows": "to" if edge.directed else "",
            "category": edge.category, "label": edge.label, "heading": heading,
            "facts": [[fact.name, fact.value] for fact in edge.facts],
            **({"periods": [list(period) for period in edge.periods], "offDate": edge.hidden}
               if edge.periods is not None else {})}


def network_data(view: ViewGraph) -> tuple[list[dict], list[dict]]:
    """The vis-network nodes and edges, built through pyvis."""
    net = Network(directed=True, cdn_resources="in_line")
    for node_id, node in view.nodes.items():
        net.add_node(node_id, **_vis_node(node))
    for index, edge in enumerate(view.edges):
        net.add_edge(edge.source, edge.target, **_vis_edge(index, edge, view))
    nodes, edges, *_ = net.get_network_data()
    return nodes, edges


def vis_options(view: ViewGraph) -> dict:
    large = len(view.nodes) > LARGE
    return {
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False},
        # Labels at 14 px with a white halo stay legible over edges at the default zoom; nodes sized by
        # value (degree or weight) keep their labels at 14-16 px (bigger labels on big nodes crowd a dense core).
        "nodes": {"borderWidth": 1, "font": {"size": 10 if large else 14, "strokeWidth": 3, "strokeColor": "#ffffff"},
                  "scaling": {"min": 8, "max": 30, "label": {"enabled": True, "min": label_size(view),
                                                             "max": label_size(view) + 2}}},
        "edges": {"smooth": False, "arrows": {"to": {"scaleFactor": 0.5}}, "font": {"size": 9, "align": "middle"}},
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": large,
                        "navigationButtons": False, "keyboard": False},
    }


CANVAS = (960, 600)  # pixels: the network's area in a 1280 x 900 window, where the page opens fitted
DRAWN = 12  # pixels: the size labels are drawn at when the view opens, if the font cap allows


def label_size(view: ViewGraph) -> int:
    """The labels' font size (in layout pixels) that draws them at DRAWN pixels once vis-network fits the
    laid-out view into CANVAS: 14 to 22 (a very large view opens zoomed out further; one zooms in)."""
    if not view.nodes:
        return 14
    xs = [node.x for node in view.nodes.values()]
    ys = [node.y for node in view.nodes.values()]
    margin = 100  # node sizes and labels around the outermost positions
    scale = min(1.0, CANVAS[0] / (max(xs) - min(xs) + margin), CANVAS[1] / (max(ys) - min(ys) + margin))
    return max(14, min(22, math.ceil(DRAWN / scale)))


def json_for_script(value) -> str:
    """JSON safe inside a <script> element: no '<', '>' or '&' can end it or open a comment."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def render(view: ViewGraph, centre: str | None = None) -> str:
    """The page for ``view``, laid out (``centre`` pinned in the middle), as one HTML string."""
    layout.place(view, centre)
    nodes, edges = network_data(view)
    vis_js = (VIS / "vis-network.min.js").read_text(encoding="utf-8")
    page_js = (HERE / "page.js").read_text(encoding="utf-8")
    style = (VIS / "vis-network.css").read_text(encoding="utf-8") + "\n" + \
        (HERE / "page.css").read_text(encoding="utf-8")
    payload = json_for_script({
        "nodes": nodes, "edges": edges, "options": vis_options(view),
        "clusters": [{"id": cluster, "label": label, **_anchor(view, cluster)} for cluster, label in view.clusters.items()],
        "styles": {category: {"color": style.color, "dashes": style.dashes}
                   for category, style in view.edge_styles.items()},
    })
    policy = "; ".join([
        "default-src 'none'",
        f"script-src {_sha256(vis_js)} {_sha256(page_js)}",
        f"style-src {_sha256(style)}",
        "img-src data:",
        "base-uri 'none'",
        "form-action 'none'",
        "object-src 'none'",
    ])
    kinds = [(kind, NODE_STYLES[kind], sum(1 for n in view.nodes.values() if n.kind == kind))
             for kind in view.node_kinds()]
    categories = [(category, view.edge_styles[category],
                   sum(1 for e in view.edges if e.category == category and not e.hidden))
                  for category in view.edge_categories()]
    return _ENVIRONMENT.get_template("template.html").render(
        view=view, policy=policy, vis_js=jinja2.utils.markupsafe.Markup(vis_js),
        page_js=jinja2.utils.markupsafe.Markup(page_js), style=jinja2.utils.markupsafe.Markup(style),
        payload=jinja2.utils.markupsafe.Markup(payload), kinds=kinds, categories=categories,
        node_count=len(view.nodes), edge_count=sum(1 for e in view.edges if not e.hidden),
        slider=_slider(view.timeline))


def _anchor(view: ViewGraph, cluster: str) -> dict[str, float]:
    """Where a group's collapsed node is drawn: at its member nearest the members' centre. (vis-network's
    default, the centre itself, puts groups whose members are spread over the graph on top of each other.)"""
    members = [node for node in view.nodes.values() if node.cluster == cluster]
    cx = sum(node.x for node in members) / len(members)
    cy = sum(node.y for node in members) / len(members)
    nearest = min(members, key=lambda node: ((node.x - cx) ** 2 + (node.y - cy) ** 2, node.id))
    return {"x": nearest.x, "y": nearest.y}


def _slider(timeline: dict[str, str] | None) -> dict[str, int | str] | None:
    """The date slider's bounds and position in days since 1970-01-01 (what the page's range input holds)."""
    if timeline is None:
        return None
    epoch = dt.date(1970, 1, 1)
    day = {key: (dt.date.fromisoformat(value) - epoch).days for key, value in timeline.items()}
    return {"min": day["first"], "max": day["last"], "value": day["on"], "on": timeline["on"]}


def write(view: ViewGraph, out: Path, centre: str | None = None) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(view, centre), encoding="utf-8")
    return out
