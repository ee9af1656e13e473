"""mrkg serve: a safe, read-only SPARQL 1.1 Protocol endpoint and resolvable IRIs.

    from mrkg.endpoint import create_app, serve_store
    app = create_app(InlineEvaluator.for_engine(engine))   # any engine, in process (tests)
    serve_store(store_path, host="127.0.0.1", port=8000)    # the server: killable worker processes
"""

from mrkg.endpoint.app import create_app
from mrkg.endpoint.evaluate import InlineEvaluator, QueryRequest, Reply
from mrkg.endpoint.server import serve_store

__all__ = ["create_app", "InlineEvaluator", "QueryRequest", "Reply", "serve_store"]
