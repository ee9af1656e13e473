"""The release served beside the endpoint (`mrkg serve --release DIR`): the files `mrkg export`
wrote, with strong ETags (their SHA-256), Last-Modified, 304 answers, ranges, precompressed gzip
copies for clients that accept them (never compressed on the fly), VoID naming the dumps, and a
server that refuses a release of another graph or a folder that is not a release."""

from __future__ import annotations

import gzip
import hashlib
import http.client
import shutil

import pytest
from rdflib import Graph, URIRef
from starlette.testclient import TestClient

import mrkg.cli
from mrkg.endpoint.app import create_app
from mrkg.endpoint.downloads import Release, ReleaseError
from mrkg.endpoint.evaluate import InlineEvaluator
from mrkg.graph.store import current
from mrkg.queries.execute import OxigraphEngine

from test_endpoint_abuse import Server

VOID_DUMP = URIRef("http://rdfs.org/ns/void#dataDump")


@pytest.fixture(scope="module")
def release(real_store, tmp_path_factory):
    out = tmp_path_factory.mktemp("release")
    assert mrkg.cli.main(["--store", str(real_store), "export", "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def client(real_store, release):
    served = Release.open(release, graph_dump=current(real_store).dump)
    with TestClient(create_app(InlineEvaluator.for_engine(OxigraphEngine.open(real_store)), release=served)) as test:
        yield test


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_every_file_of_the_release_is_served_as_written(client, release):
    listed = [line.split("  ")[1] for line in (release / "SHA256SUMS").read_text().splitlines()]
    assert "mrkg.nq" in listed and "observations.csv" in listed
    for name in listed:
        answer = client.get(f"/release/{name}", headers={"Accept-Encoding": "identity"})
        assert answer.status_code == 200, name
        assert answer.content == (release / name).read_bytes(), name
        assert answer.headers["ETag"] == f'"{sha256(answer.content)}"', name
        assert "Last-Modified" in answer.headers, name
        assert "Content-Encoding" not in answer.headers, name
    assert client.get("/release/mrkg.nq").headers["Content-Type"] == "application/n-quads"
    assert client.get("/release/void.ttl").headers["Content-Type"] == "text/turtle; charset=utf-8"
    assert client.get("/release/mrkg.nt.gz", headers={"Accept-Encoding": "identity"}).headers[
        "Content-Type"] == "application/gzip"


def test_a_client_accepting_gzip_gets_the_precompressed_copy(client, release):
    answer = client.get("/release/mrkg.nq", headers={"Accept-Encoding": "gzip"})
    assert answer.headers["Content-Encoding"] == "gzip"
    assert answer.headers["Content-Type"] == "application/n-quads"
    assert "Accept-Encoding" in answer.headers["Vary"]
    assert answer.content == (release / "mrkg.nq").read_bytes()  # decoded by the client
    assert answer.headers["ETag"] == f'"{sha256((release / "mrkg.nq.gz").read_bytes())}"'
    # A file without a compressed copy is sent as it is, not compressed on the fly.
    plain = client.get("/release/mrkg.ttl", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in plain.headers
    assert plain.content == (release / "mrkg.ttl").read_bytes()


def test_conditional_requests_and_ranges(client, release):
    first = client.get("/release/mrkg.nt", headers={"Accept-Encoding": "identity"})
    again = client.get("/release/mrkg.nt", headers={"Accept-Encoding": "identity", "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    since = client.get("/release/mrkg.nt", headers={"Accept-Encoding": "identity",
                                                    "If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304
    other = client.get("/release/mrkg.nt", headers={"Accept-Encoding": "identity", "If-None-Match": '"0000"'})
    assert other.status_code == 200
    part = client.get("/release/mrkg.nt", headers={"Accept-Encoding": "identity", "Range": "bytes=10-109"})
    assert part.status_code == 206
    assert part.content == (release / "mrkg.nt").read_bytes()[10:110]


def test_only_listed_files_are_served(client, release):
    (release / "stray.txt").write_text("not part of the release")
    assert client.get("/release/stray.txt").status_code == 404
    assert client.get("/release/..%2FSHA256SUMS").status_code == 404
    assert client.get("/release/").status_code == 404


def test_void_and_the_landing_page_name_the_dumps(client):
    void = Graph().parse(data=client.get("/.well-known/void", headers={"Accept": "text/turtle"}).text, format="turtle")
    dumps = {str(o) for o in void.objects(None, VOID_DUMP)}
    assert {"http://testserver/release/mrkg.nq.gz", "http://testserver/release/mrkg.nt"} <= dumps
    assert all(client.get(url.removeprefix("http://testserver")).status_code == 200 for url in dumps)
    assert 'href="/release/mrkg.nq.gz"' in client.get("/", headers={"Accept": "text/html"}).text


def test_without_a_release_nothing_is_served_and_void_names_no_dump(real_store):
    with TestClient(create_app(InlineEvaluator.for_engine(OxigraphEngine.open(real_store)))) as test:
        answer = test.get("/release/mrkg.nq")
        assert answer.status_code == 404 and "--release" in answer.text
        void = Graph().parse(data=test.get("/.well-known/void", headers={"Accept": "text/turtle"}).text,
                             format="turtle")
        assert not list(void.objects(None, VOID_DUMP))


def test_a_release_of_another_graph_is_refused(real_store, release, tmp_path):
    other = tmp_path / "other"
    shutil.copytree(release, other)
    dump = other / "mrkg.nq"
    dump.write_bytes(dump.read_bytes().replace(b"Belarus", b"Belarut", 1))
    sums = other / "SHA256SUMS"
    sums.write_text("".join(f"{sha256(dump.read_bytes())}  mrkg.nq\n" if line.endswith("  mrkg.nq") else line + "\n"
                            for line in sums.read_text().splitlines()))
    with pytest.raises(ReleaseError, match="not of the graph being served"):
        Release.open(other, graph_dump=current(real_store).dump)


@pytest.mark.parametrize("damage, message", [
    (lambda folder: (folder / "SHA256SUMS").unlink(), "no SHA256SUMS"),
    (lambda folder: (folder / "void.ttl").unlink(), "void.ttl is listed but is not a file"),
    (lambda folder: (folder / "SHA256SUMS").write_text("abc  mrkg.nq\n"), "line 1: expected"),
    (lambda folder: (folder / "SHA256SUMS").write_text("0" * 64 + "  notes.txt\n"), "is not a file `mrkg export` writes"),
])
def test_a_folder_that_is_not_a_release_is_one_clear_error(release, tmp_path, damage, message):
    folder = tmp_path / "release"
    shutil.copytree(release, folder)
    (folder / "notes.txt").write_text("a file the export does not write")
    damage(folder)
    with pytest.raises(ReleaseError, match=message):
        Release.open(folder)


@pytest.mark.slow
def test_mrkg_serve_release(real_store, release, tmp_path):
    server = Server(real_store, ["--release", str(release)])
    try:
        status, headers, _ = server.request("/release/SHA256SUMS")
        assert status == 200 and headers["ETag"].startswith('"')
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        connection.request("GET", "/release/mrkg.nq", headers={"Accept-Encoding": "gzip"})
        answer = connection.getresponse()
        assert answer.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(answer.read()) == (release / "mrkg.nq").read_bytes()
        connection.close()
    finally:
        server.stop()
    wrong = tmp_path / "empty"
    wrong.mkdir()
    refused = mrkg.cli.main(["--store", str(real_store), "serve", "--port", "0", "--release", str(wrong)])
    assert refused == 2
