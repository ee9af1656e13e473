"""Store faults: a build killed while loading, a full disk, a read-only store, two builds at once.

Each ends with one clear message and exit status 2 (or, for the kill, a later build that
cleans up), never a traceback, and the previous graph still current and answering. The faults
are simulated so that the tests also hold when run as root (as CI does, where chmod cannot
make a folder read-only); one test makes them real in a tiny tmpfs inside a user namespace,
where the machine allows it.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pyoxigraph as ox
import pytest

import mrkg.cli
import mrkg.graph.store as store_module
from mrkg.graph.store import STAGING_PREFIX, build_lock, install, open_read_only, store_digest

MINI_SOURCES = Path(__file__).resolve().parent / "fixtures" / "mini_sources"
PREVIOUS = b"<https://w3id.org/mrkg/id/country/AAA> <http://www.w3.org/2000/01/rdf-schema#label> \"previous\" " \
           b"<https://w3id.org/mrkg/graph/reference> .\n"


@pytest.fixture
def built(tmp_path) -> Path:
    """A store whose current graph is a one-quad 'previous' graph (installed directly: fast)."""
    store = tmp_path / "store"
    install(store, PREVIOUS, hashlib.sha256(PREVIOUS).hexdigest(), {"quads": 1})
    return store


def _previous_is_current(store: Path) -> None:
    assert store_digest(store) == hashlib.sha256(PREVIOUS).hexdigest()
    labels = [q.object.value for q in open_read_only(store)]
    assert labels == ["previous"], "the previous graph no longer answers"


def _staging(store: Path) -> list[Path]:
    generations = store / "generations"
    return sorted(p for p in generations.iterdir() if p.name.startswith(STAGING_PREFIX)) if generations.is_dir() else []


def _build(store: Path, capsys) -> tuple[int, str]:
    status = mrkg.cli.main(["--store", str(store), "build", "--sources", str(MINI_SOURCES), "--no-tables"])
    return status, capsys.readouterr().err


# The child pauses inside the load: the new database is open, graph.nq is being written.
PAUSED_BUILD = textwrap.dedent("""
    import sys, time
    import mrkg.cli
    import mrkg.graph.store as store
    write_chunk = store.write_chunk
    def pause_while_loading(file, chunk):
        print("LOADING", flush=True)
        time.sleep(120)
        return write_chunk(file, chunk)
    store.write_chunk = pause_while_loading
    sys.exit(mrkg.cli.main(["--store", sys.argv[1], "build", "--sources", sys.argv[2], "--no-tables"]))
""")


def test_a_build_killed_while_loading_is_cleaned_up_by_the_next(built, capsys):
    env = {key: value for key, value in os.environ.items() if key != "MRKG_STORE"}
    child = subprocess.Popen([sys.executable, "-c", PAUSED_BUILD, str(built), str(MINI_SOURCES)], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert child.stdout.readline().strip() == "LOADING", "the child build never reached the load"
        leftovers = _staging(built)
        assert len(leftovers) == 1 and (leftovers[0] / "oxigraph").is_dir()
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert _staging(built) == leftovers  # what the issue saw: the killed load's folder stays behind
    _previous_is_current(built)

    status, err = _build(built, capsys)
    assert status == 0, err
    assert _staging(built) == [], "the next build left the interrupted build's folder in the store"
    assert "Removed 1 leftover(s) of an interrupted build" in err
    assert store_digest(built) != hashlib.sha256(PREVIOUS).hexdigest()
    assert not list(built.glob(".current-*"))


def test_a_build_running_at_the_same_time_is_left_alone(built, capsys):
    running = built / "generations" / f"{STAGING_PREFIX}running"
    (running / "oxigraph").mkdir(parents=True)
    with build_lock(built):  # another build is loading (flock: a second descriptor conflicts, same process or not)
        status, err = _build(built, capsys)
    assert status == 2
    assert "another mrkg build is loading into" in err and "Traceback" not in err
    assert running.is_dir(), "a build removed the staging folder of a build still running"
    _previous_is_current(built)


def _no_space(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


class _FullDiskOxigraph:
    """pyoxigraph as it behaves on a full disk: an OSError without errno, only text (seen in a tmpfs)."""

    RdfFormat = ox.RdfFormat

    class Store:
        def __init__(self, path):
            self.path = path

        def bulk_load(self, *args, **kwargs):
            raise OSError(f"IO error: No space left on device: While appending to file: {self.path}/000008.sst: "
                          "No space left on device")


@pytest.mark.parametrize("where", ["writing graph.nq", "oxigraph bulk load"])
def test_a_full_disk_is_one_clear_error(built, capsys, monkeypatch, where):
    if where == "writing graph.nq":
        monkeypatch.setattr(store_module, "write_chunk", _no_space)
    else:
        monkeypatch.setattr(store_module, "ox", _FullDiskOxigraph)
    status, err = _build(built, capsys)
    assert status == 2
    assert "cannot write the new graph into" in err and "the disk is full" in err
    assert "previous graph is still current" in err
    assert "Traceback" not in err
    assert [line for line in err.splitlines() if line.startswith("mrkg:")] == err.splitlines()[-1:], err  # one message
    assert _staging(built) == [], "a failed load must give its space back"
    monkeypatch.undo()
    _previous_is_current(built)


def test_a_read_only_store_is_one_clear_error(built, capsys, monkeypatch):
    """Every write under the store fails as on a read-only mount (works as root, unlike chmod)."""
    store_path = str(built.resolve())

    def read_only(original):
        def call(path, *args, **kwargs):
            if str(Path(os.fspath(path)).resolve()).startswith(store_path):
                raise OSError(errno.EROFS, os.strerror(errno.EROFS), os.fspath(path))
            return original(path, *args, **kwargs)
        return call

    monkeypatch.setattr(os, "open", read_only(os.open))
    monkeypatch.setattr(os, "mkdir", read_only(os.mkdir))
    status, err = _build(built, capsys)
    assert status == 2
    assert "the file system is read-only" in err and "previous graph is still current" in err
    assert "Traceback" not in err
    monkeypatch.undo()
    _previous_is_current(built)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="root ignores file permissions, so chmod cannot make the store read-only "
                           "(test_a_read_only_store_is_one_clear_error simulates it instead)")
def test_a_store_without_write_permission_is_one_clear_error(built, capsys):
    for path in (built, built / "generations"):
        path.chmod(0o555)
    (built / ".lock").chmod(0o444)
    try:
        status, err = _build(built, capsys)
    finally:
        for path in (built, built / "generations"):
            path.chmod(0o755)
    assert status == 2
    assert "permission denied" in err and "Traceback" not in err
    _previous_is_current(built)


REAL_FAULTS = textwrap.dedent("""
    set -e
    mount -t tmpfs -o size=1m tmpfs "$1"
    "$2" -c 'import sys; from mrkg.graph.store import install
    install(sys.argv[1], sys.argv[2].encode(), "previous", {})' "$1/store" "$4"
    status=0; "$2" -c "$MRKG" --store "$1/store" build --sources "$3" --no-tables 2>"$1/full.err" || status=$?
    echo "full $status"; cat "$1/full.err" >&2
    ls -A "$1/store/generations"
    mount -o remount,ro "$1"
    status=0; "$2" -c "$MRKG" --store "$1/store" build --sources "$3" --no-tables 2>/dev/stdout || status=$?
    echo "read-only $status"
    cat "$1/store/current/build.json"
""")


def test_real_full_disk_and_read_only_mount(tmp_path):
    """A 1 MB tmpfs in a user namespace: the previous graph fits, the new one does not."""
    unshare = shutil.which("unshare")
    if unshare is None or subprocess.run([unshare, "-rm", "true"], capture_output=True).returncode != 0:
        pytest.skip("user namespaces are not available here: the simulated disk-full and read-only tests cover it")
    mount = tmp_path / "tiny"
    mount.mkdir()
    result = subprocess.run([unshare, "-rm", "sh", "-c", REAL_FAULTS, "sh", str(mount), sys.executable,
                             str(MINI_SOURCES), PREVIOUS.decode()], capture_output=True, text=True, timeout=120,
                            env={**{k: v for k, v in os.environ.items() if k != "MRKG_STORE"},
                                 "MRKG": "import sys; from mrkg.cli import main; sys.exit(main())"})
    if "mount: " in result.stderr and "permission denied" in result.stderr.lower():
        pytest.skip(f"tmpfs cannot be mounted here: {result.stderr.strip()}")
    out = result.stdout
    assert result.returncode == 0, result.stdout + result.stderr
    assert "full 2" in out and "the disk is full" in result.stderr and "Traceback" not in result.stderr
    assert STAGING_PREFIX not in out, "the failed load left its staging folder on the full disk"
    assert "read-only 2" in out and "the file system is read-only" in out and "Traceback" not in out
    assert '"digest": "previous"' in out
