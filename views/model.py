"""The graph a view shows: typed nodes and edges with the facts behind them.

Views are built as a ``ViewGraph`` from SPARQL results, laid out (``layout``) and
rendered (``page``). Everything here is plain data; escaping happens where text
meets HTML (the page template) or the browser (text-only tooltips and panels).
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Node kinds: colour and vis-network shape, explained in every page's legend.
NODE_STYLES: dict[str, dict[str, str]] = {
    "country": {"label": "country", "color": "#4e79a7", "shape": "dot"},
    "instrument": {"label": "instrument", "color": "#f28e2b", "shape": "square"},
    "organisation": {"label": "organisation", "color": "#59a14f", "shape": "diamond"},
    "programme": {"label": "programme", "color": "#b07aa1", "shape": "triangle"},
    "partner": {"label": "partner country", "color": "#76b7b2", "shape": "dot"},
}


@dataclass
class Fact:
    """One line of a tooltip or details panel: a name and a value (plain text)."""

    name: str
    value: str


@dataclass
class Node:
    id: str
    label: str
    kind: str
    facts: list[Fact] = field(default_factory=list)
    iri: str | None = None
    size: float = 12.0
    value: float | None = None  # when set, the page sizes the node by it (degree or weight), not by ``size``
    cluster: str | None = None  # the id of the group (ViewGraph.clusters) the page collapses it into
    x: float = 0.0
    y: float = 0.0


@dataclass
class Edge:
    source: str
    target: str
    category: str
    facts: list[Fact] = field(default_factory=list)
    label: str = ""
    width: float = 1.5
    directed: bool = False
    dashes: bool | None = None  # None: the category's style decides
    # The participation's status periods, for a date slider: (from, until, category or None, status
    # label), from <= day < until, "" for an open end; category None: not a tie on such a day (not drawn).
    periods: list[tuple[str, str, str | None, str]] | None = None
    hidden: bool = False  # not drawn on the view's date (a slider may show it on another)


@dataclass
class EdgeStyle:
    label: str
    color: str
    dashes: bool = False


@dataclass
class ViewGraph:
    """What one view shows, with the title, the filters applied and the legend of edge categories."""

    title: str
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    filters: list[str] = field(default_factory=list)
    edge_styles: dict[str, EdgeStyle] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    clusters: dict[str, str] = field(default_factory=dict)  # group id -> label of its collapsed node
    timeline: dict[str, str] | None = None  # {"on", "first", "last"}: ISO dates of a date slider

    def add_node(self, node: Node) -> Node:
        """Add ``node`` unless a node with its id is there; return the node kept."""
        return self.nodes.setdefault(node.id, node)

    def add_edge(self, edge: Edge) -> Edge:
        if edge.source not in self.nodes or edge.target not in self.nodes:
            raise ValueError(f"edge {edge.source} -> {edge.target} has an end that is not a node")
        self.edges.append(edge)
        return edge

    def node_kinds(self) -> list[str]:
        present = {node.kind for node in self.nodes.values()}
        return [kind for kind in NODE_STYLES if kind in present]

    def edge_categories(self) -> list[str]:
        present = {edge.category for edge in self.edges}
        return [category for category in self.edge_styles if category in present]
