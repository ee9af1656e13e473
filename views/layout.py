"""Node positions computed once, in Python, with networkx: the page starts with physics off.

A force-directed layout in the browser takes many seconds on a thousand nodes and
moves under the reader's eyes; a precomputed one opens at once and is the same on
every run (fixed seed). Each connected part is laid out on its own and the parts
are packed in rows, largest first: a spring layout of the whole graph would fling
small parts to the edges and leave the big one a dot.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np

from mrkg.views.model import ViewGraph

SEED = 7
SPACING = 70.0  # pixels: about the distance between neighbours
GAP = 120.0  # pixels between packed parts
SPREAD_UP_TO = 150  # nodes: connected parts up to this size get a Kamada-Kawai layout
ASPECT = 1.6  # width / height of the screen a view is usually opened on


def to_networkx(view: ViewGraph) -> nx.Graph:
    graph = nx.Graph()
    graph.add_nodes_from(view.nodes)
    graph.add_edges_from((edge.source, edge.target) for edge in view.edges)
    return graph


def _iterations(size: int) -> int:
    """Fewer rounds for big parts: from 500 nodes networkx switches to its sparse solver, which loops
    over the nodes in Python (a 1,000-node part takes about 0.2 s a round on a loaded 2-core machine)."""
    return 100 if size <= 300 else 50 if size < 500 else 25


def _spread(positions: dict[str, "np.ndarray"], rounds: int = 60) -> dict[str, tuple[float, float]]:
    """Push apart nodes closer than an even share of the drawing's area, keeping its shape: a dense
    core (instruments tied to the same few countries) otherwise piles labels on top of each other."""
    names = sorted(positions)
    points = np.array([positions[name] for name in names], dtype=float)
    span = max(float(np.ptp(points, axis=0).max()), 1e-9)
    least = 2.0 * span / math.sqrt(len(points))
    for _ in range(rounds):
        delta = points[:, None, :] - points[None, :, :]
        distance = np.sqrt((delta ** 2).sum(axis=2)) + np.eye(len(points))
        push = np.clip(least - distance, 0.0, None) / distance / 2
        np.fill_diagonal(push, 0.0)
        if not push.any():
            break
        points += (delta * push[:, :, None]).sum(axis=1)
    return {name: (float(x), float(y)) for name, (x, y) in zip(names, points)}


def _part(graph: nx.Graph, centre: str | None) -> dict[str, tuple[float, float]]:
    """Positions of one connected part in pixels, centred on 0, 0 (on ``centre`` when it is in the part)."""
    if len(graph) == 1:
        return {next(iter(graph)): (0.0, 0.0)}
    pinned = centre if centre in graph else None
    if len(graph) <= SPREAD_UP_TO and not pinned:
        # Kamada-Kawai spaces nodes by their graph distance: a dense core does not collapse into a
        # knot of overlapping labels as it does with a spring layout (it costs O(n^2) memory and time).
        positions = _spread(nx.kamada_kawai_layout(graph))
    else:
        positions = nx.spring_layout(graph, seed=SEED, pos={pinned: (0.0, 0.0)} if pinned else None,
                                     fixed=[pinned] if pinned else None,
                                     iterations=_iterations(len(graph)))
    xs = [p[0] for p in positions.values()]
    ys = [p[1] for p in positions.values()]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9)
    cx, cy = positions[pinned] if pinned else ((max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2)
    radius = SPACING * math.sqrt(len(graph)) * 0.75
    return {node: ((x - cx) / span * 2 * radius, (y - cy) / span * 2 * radius) for node, (x, y) in positions.items()}


def place(view: ViewGraph, centre: str | None = None) -> None:
    """Set every node's ``x``/``y`` in pixels; ``centre`` (an ego view's subject) goes in the first part at 0, 0."""
    if not view.nodes:
        return
    graph = to_networkx(view)
    parts = sorted((graph.subgraph(nodes).copy() for nodes in nx.connected_components(graph)),
                   key=lambda part: (centre not in part, -len(part), min(part)))
    laid = [_part(part, centre) for part in parts]
    sizes = []
    for positions in laid:
        xs = [p[0] for p in positions.values()]
        ys = [p[1] for p in positions.values()]
        sizes.append((min(xs), max(xs), min(ys), max(ys)))
    # Shelf packing: rows about as wide as the largest part, or as a landscape screen (ASPECT) holding all
    # parts if wider: small parts then sit beside the largest instead of under it, and the fitted view is larger.
    area = sum((s[1] - s[0] + GAP) * (s[3] - s[2] + GAP) for s in sizes)
    row_width = max(sizes[0][1] - sizes[0][0], math.sqrt(area * ASPECT))
    x = y = row_height = 0.0
    shift: list[tuple[float, float]] = []
    for index, (x0, x1, y0, y1) in enumerate(sizes):
        width, height = x1 - x0, y1 - y0
        if index and x + width > row_width:
            x, y, row_height = 0.0, y + row_height + GAP, 0.0
        shift.append((x - x0, y - y0))
        x += width + GAP
        row_height = max(row_height, height)
    # Keep the first part where it was laid out (the centre at 0, 0).
    base_x, base_y = shift[0]
    for positions, (dx, dy) in zip(laid, shift):
        for node_id, (px, py) in positions.items():
            view.nodes[node_id].x = round(px + dx - base_x, 1)
            view.nodes[node_id].y = round(py + dy - base_y, 1)
