"""The release's files served beside the endpoint: ``mrkg serve --release DIR`` makes the folder
``mrkg export`` wrote downloadable at ``/release/<file>``, and VoID names its dumps.

Only the files the release lists in its ``SHA256SUMS``, and that file, are served (no other path is looked up),
and only a release of the graph being served: its ``mrkg.nq`` must be the generation's own dump,
byte for byte, else the server does not start. Each file's ETag is its SHA-256 (strong: the
bytes are fixed), Last-Modified its modification time; a matching If-None-Match or
If-Modified-Since is answered 304, and Range requests resume a download. A client that accepts
gzip gets a dump's precompressed copy (``mrkg.nq.gz`` for ``mrkg.nq``) with Content-Encoding:
gzip; nothing here is compressed on the fly, since a dump is hundreds of megabytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response

from mrkg.endpoint.validators import not_modified

PREFIX = "/release/"
_CHECKSUM_LINE = re.compile(r"([0-9a-f]{64})  ([A-Za-z0-9][A-Za-z0-9._-]*)")
# Media types of the files ``mrkg export`` writes that are not dumps (those come from its FILES).
_OTHER_TYPES = {"dcat.ttl": "text/turtle", "SHA256SUMS": "text/plain; charset=utf-8"}


class ReleaseError(Exception):
    """A release folder the server cannot serve; the message says why and what to do."""


@dataclass(frozen=True)
class ReleaseFile:
    name: str
    path: Path
    sha256: str
    media_type: str
    compressed_copy: str | None  # the name of its gzip copy in the release, if any

    @property
    def etag(self) -> str:
        return f'"{self.sha256}"'


@dataclass(frozen=True)
class Release:
    folder: Path
    files: dict[str, ReleaseFile]

    @classmethod
    def open(cls, folder: Path | str, graph_dump: Path | None = None) -> Release:
        """The release in ``folder``, checked against its SHA256SUMS by size and presence, and, when
        ``graph_dump`` (the served generation's ``graph.nq``) is given, shown to be its release."""
        from mrkg.publish.export import FILES, file_sha256

        folder = Path(folder)
        sums = folder / "SHA256SUMS"
        if not sums.is_file():
            raise ReleaseError(f"{folder} is not a release folder: it has no SHA256SUMS "
                               "(write one with `mrkg export --out DIR`)")
        types = {name: media for name, media, *_ in FILES}
        compressed = {name for name, *_, compression in FILES if compression}
        files: dict[str, ReleaseFile] = {}
        for number, line in enumerate(sums.read_text(encoding="utf-8").splitlines(), start=1):
            match = _CHECKSUM_LINE.fullmatch(line)
            if match is None:
                raise ReleaseError(f"{sums}, line {number}: expected '<sha256>  <file name>', got {line[:80]!r}")
            digest, name = match.groups()
            path = folder / name
            if not path.is_file() or path.is_symlink():
                raise ReleaseError(f"{sums}, line {number}: {name} is listed but is not a file in {folder}")
            media = "application/gzip" if name in compressed else types.get(name) or _OTHER_TYPES.get(name)
            if media is None:
                raise ReleaseError(f"{sums}, line {number}: {name} is not a file `mrkg export` writes")
            if media.startswith("text/") and "charset" not in media:
                media += "; charset=utf-8"
            files[name] = ReleaseFile(name, path, digest, media, None)
        files = {name: ReleaseFile(item.name, item.path, item.sha256, item.media_type,
                                   name + ".gz" if name + ".gz" in files else None)
                 for name, item in files.items()}
        files[sums.name] = ReleaseFile(sums.name, sums, file_sha256(sums), _OTHER_TYPES[sums.name], None)
        if graph_dump is not None:
            dump = files.get("mrkg.nq")
            if dump is None:
                raise ReleaseError(f"{sums} lists no mrkg.nq: cannot tell which graph the release holds")
            if dump.path.stat().st_size != graph_dump.stat().st_size or file_sha256(graph_dump) != dump.sha256:
                raise ReleaseError(f"the release in {folder} is not of the graph being served (its mrkg.nq "
                                   "differs from the store's dump): run `mrkg export` again after the build")
        return cls(folder, files)

    def dumps(self) -> list[str]:
        """The names of the graph's dumps in this release."""
        from mrkg.publish.export import RDF_DUMPS

        return [name for name in RDF_DUMPS if name in self.files]

    def urls(self, base_url: str) -> list[str]:
        """The dumps' download URLs on a server at ``base_url`` (for VoID's ``void:dataDump``)."""
        return [base_url.rstrip("/") + PREFIX + name for name in self.dumps()]

    def response(self, request: Request, name: str) -> Response:
        item = self.files.get(name)
        if item is None:
            return PlainTextResponse(f"no file {name!r} in this release; see {PREFIX}SHA256SUMS\n", status_code=404)
        served, encoding = item, None
        if item.compressed_copy and "gzip" in request.headers.get("accept-encoding", "").lower():
            served, encoding = self.files[item.compressed_copy], "gzip"
        stat = served.path.stat()
        headers = {"ETag": served.etag, "Last-Modified": formatdate(stat.st_mtime, usegmt=True),
                   "Vary": "Accept-Encoding", "Cache-Control": "public, max-age=3600"}
        if encoding:
            headers["Content-Encoding"] = encoding
        if not_modified(request, served.etag, stat.st_mtime):
            return Response(status_code=304, headers=headers)
        return FileResponse(served.path, media_type=item.media_type, headers=headers, stat_result=stat)
