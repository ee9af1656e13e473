"""Round trip through a real Virtuoso 7 (Debian's virtuoso-opensource): push the curated graph with
``mrkg build``, then every named query's examples must answer as on the embedded store.

The test starts its own ``virtuoso-t`` on 127.0.0.1 (free ports, database and ini in a temporary
folder), gives dba a random password, pushes through the digest-authenticated ``/sparql-auth``
endpoint and stops the server. Without Virtuoso it skips, except under ``CI=true``, where it fails.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import time
import urllib.request
from collections import Counter

import pytest
from rdflib import Literal

import mrkg.cli
from mrkg.graph.checks import violation_queries
from mrkg.graph.remote import RemoteEngine
from mrkg.ontology import iris
from mrkg.queries.execute import OxigraphEngine, run_named
from mrkg.queries.library import QUERIES_DIR, bind, named_queries


def require_virtuoso() -> str:
    binary = shutil.which("virtuoso-t")
    if binary is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Virtuoso (virtuoso-t, Debian package virtuoso-opensource-7-bin) is required in CI")
        pytest.skip("no virtuoso-t: the Virtuoso round trip is skipped (apt-get install virtuoso-opensource-7-bin)")
    return binary


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


INI = """[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
ServerThreads = 10
DirsAllowed = {dir}
VADInstallDir = {dir}

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
ServerThreads = 5

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 10
"""


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    binary = require_virtuoso()
    folder = tmp_path_factory.mktemp("virtuoso")
    sql_port, http_port = _free_port(), _free_port()
    (folder / "virtuoso.ini").write_text(INI.format(dir=folder, sql_port=sql_port, http_port=http_port))
    log = open(folder / "stdout.log", "wb")
    process = subprocess.Popen([binary, "+configfile", str(folder / "virtuoso.ini"), "+foreground"],
                               cwd=folder, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{http_port}/sparql"
    try:
        for _ in range(240):  # up to about a minute on a busy machine
            if process.poll() is not None:
                pytest.fail(f"virtuoso-t exited: {(folder / 'stdout.log').read_text(errors='replace')[-2000:]}")
            try:
                urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=2).read()
                break
            except OSError:
                time.sleep(0.25)
        else:
            pytest.fail("virtuoso-t did not answer on its HTTP port")
        password = secrets.token_hex(12)
        isql = shutil.which("isql-vt") or shutil.which("isql")
        subprocess.run([isql, f"127.0.0.1:{sql_port}", "dba", "dba", f"exec=USER_SET_PASSWORD('dba', '{password}');"],
                       check=True, capture_output=True, timeout=60)
        yield {"url": url, "update_url": f"http://127.0.0.1:{http_port}/sparql-auth", "password": password}
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture(scope="module")
def pushed(virtuoso):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MRKG_SPARQL_USER", "dba")
        patch.setenv("MRKG_SPARQL_PASSWORD", virtuoso["password"])
        code = mrkg.cli.main(["--store", virtuoso["url"], "build", "--no-tables",
                              "--update-url", virtuoso["update_url"]])
    assert code == 0
    return virtuoso


def _canonical(result):
    return Counter(tuple((c, None if r[c] is None else repr(r[c])) for c in result.variables) for r in result.rows)


@pytest.mark.slow
@pytest.mark.virtuoso
@pytest.mark.parametrize("name", sorted(named_queries()))
def test_named_queries_answer_the_same_on_virtuoso(pushed, real_store, name):
    query = named_queries()[name]
    remote, local = RemoteEngine.open(pushed["url"], timeout=60), OxigraphEngine.open(real_store)
    for example in query.examples:
        bindings = bind(query, example)
        assert _canonical(run_named(remote, query, bindings)) == _canonical(run_named(local, query, bindings)), example


@pytest.mark.virtuoso
def test_push_to_virtuoso_needs_the_password(virtuoso, monkeypatch, capsys):
    monkeypatch.setenv("MRKG_SPARQL_USER", "dba")
    monkeypatch.setenv("MRKG_SPARQL_PASSWORD", "not-the-password")
    assert mrkg.cli.main(["--store", virtuoso["url"], "build", "--no-tables",
                          "--update-url", virtuoso["update_url"]]) == 2
    assert "refused the request as user 'dba'" in capsys.readouterr().err


LIST_BINDINGS = {"find": {"text": Literal("kaz")}, "describe": {"entity": iris.country("KAZ")}}


@pytest.mark.slow
@pytest.mark.virtuoso
@pytest.mark.parametrize("name", sorted(path.stem for path in (QUERIES_DIR / "lists").glob("*.rq")))
def test_lists_answer_the_same_on_virtuoso(pushed, real_store, name):
    text = (QUERIES_DIR / "lists" / f"{name}.rq").read_text(encoding="utf-8")
    bindings = LIST_BINDINGS.get(name, {})
    remote, local = RemoteEngine.open(pushed["url"], timeout=60), OxigraphEngine.open(real_store)
    expected = _canonical(local.run(text, bindings))
    assert expected, f"{name} finds nothing on the embedded store: the comparison would prove nothing"
    assert _canonical(remote.run(text, bindings)) == expected


@pytest.mark.slow
@pytest.mark.virtuoso
@pytest.mark.parametrize("name", sorted(violation_queries()))
def test_graph_checks_pass_on_virtuoso(pushed, name):
    assert RemoteEngine.open(pushed["url"], timeout=60).run(violation_queries()[name], {}).rows == []
