"""The files that pages load from this server (``/static/...``): the query editor's own script and
style, and the vendored YASGUI editor (``static/yasgui``, see its SOURCE.txt).

Only the files listed here are served, each with the content type given here: a request path is
looked up in this table and never joined onto a folder, so no path can reach another file.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response

from mrkg.endpoint.validators import not_modified

STATIC = Path(__file__).resolve().parent / "static"
PREFIX = "/static/"

JAVASCRIPT = "text/javascript; charset=utf-8"
CSS = "text/css; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
SVG = "image/svg+xml"

# Path under /static/ -> content type. The licence and provenance of the vendored editor are served
# too, so that what the browser runs can be traced to its package.
ASSETS = {
    "editor.js": JAVASCRIPT,
    "editor.css": CSS,
    "icon.svg": SVG,
    "yasgui/yasgui.min.js": JAVASCRIPT,
    "yasgui/yasgui.min.css": CSS,
    "yasgui/LICENSE.txt": TEXT,
    "yasgui/SOURCE.txt": TEXT,
}

# The vendored files change only with a new release of the package; a day's caching spares the
# editor's megabyte on every visit while a server upgrade still shows within a day.
CACHE_CONTROL = "public, max-age=86400"


def url(name: str) -> str:
    if name not in ASSETS:
        raise KeyError(f"{name!r} is not a served asset")
    return PREFIX + name


async def serve(request: Request) -> Response:
    """``/static/{name}``: a listed file with its ETag and Last-Modified (304 when the client's
    copy is current), anything else 404."""
    name = request.path_params["name"]
    media_type = ASSETS.get(name)
    if media_type is None:
        return PlainTextResponse(f"no file /static/{name} on this server\n", status_code=404)
    path = STATIC / name
    stat = path.stat()
    response = FileResponse(path, media_type=media_type, headers={"Cache-Control": CACHE_CONTROL}, stat_result=stat)
    if not_modified(request, response.headers["etag"], stat.st_mtime):
        kept = {key: response.headers[key] for key in ("etag", "last-modified", "cache-control")}
        return Response(status_code=304, headers=kept)
    return response
