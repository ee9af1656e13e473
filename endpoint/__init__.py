"""mrkg serve: a safe, read-only SPARQL 1.1 Protocol endpoint and resolvable IRIs.

    from mrkg.endpoint.app import create_app
    from mrkg.endpoint.evaluate import InlineEvaluator
    app = create_app(InlineEvaluator.for_engine(engine))   # any engine, in process (tests)

    from mrkg.endpoint.server import serve_store
    serve_store(store_path, port=8000)                     # the server: killable worker processes

Modules: ``guard`` (refusals before evaluation), ``evaluate`` (one protocol
request), ``workers`` (the process pool and its time limit), ``formats``
(negotiation, serialisation), ``resolve`` and ``pages`` (IRIs as pages and
RDF), ``describe`` (service description, VoID), ``app`` (routes), ``server``.
Nothing heavy is imported here, so the CLI starts fast.
"""
