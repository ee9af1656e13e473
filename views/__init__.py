"""Interactive network views (pyvis / vis-network) and network analytics (networkx) over the store.

Views: ``agreements``, ``flows``, ``country`` and ``organisation`` (one module each) build a
``ViewGraph`` from SPARQL (``queries/views/*.rq`` and the named queries), ``labels`` gives
instruments short titles and families, ``layout`` places the nodes, ``page`` writes one
self-contained, offline HTML page. ``network`` computes centrality
of countries and exports graphs for Gephi.
"""
