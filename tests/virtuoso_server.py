"""A Virtuoso 7 server for a test module (the ``virtuoso`` fixture, module-scoped: each module that uses
it gets a server of its own): ``virtuoso-t`` on 127.0.0.1 on free ports, its database and ini in a
temporary folder, dba given a random password; the fixture yields the query URL, the
digest-authenticated update URL and the password, and stops the server. Without Virtuoso it skips,
except under ``CI=true``, where it fails.
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
; visa-changes takes about 5 s when the machine is busy (tests/test_virtuoso_visa.py)
MaxQueryExecutionTime = 20
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


def canonical(result):
    """A query result as a multiset of rows, comparable across engines."""
    return Counter(tuple((c, None if r[c] is None else repr(r[c])) for c in result.variables) for r in result.rows)
