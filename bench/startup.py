"""Start-up: what a command costs before and around its query.

Every ``mrkg query`` is a new process, so on the command line a query's time is the interpreter's
start, mrkg's imports and the store's opening as well as the evaluation. Each is timed in fresh
processes, beside the same for Python alone and for ``import rdflib`` (the plain rdflib baseline:
a query result is rdflib terms, so a command can start no faster than rdflib imports).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

# (name, what it runs); the query is a one-row answer, so that the rest of the command is what is timed.
QUERY = ("memberships", "country=KAZ")


def _programs(store: Path) -> dict[str, str]:
    return {
        "python_ms": "pass",
        "rdflib_import_ms": "import rdflib",
        "mrkg_import_ms": "import mrkg.cli",
        "query_command_ms": ("import sys\nfrom mrkg.cli import main\n"
                             f"sys.exit(main(['--store', {str(store)!r}, 'query', *{list(QUERY)!r}]))"),
    }


def _wall_ms(code: str) -> float:
    began = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          timeout=120, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"exit code {done.returncode}: {done.stderr.strip()[-500:]}")
    return (time.perf_counter() - began) * 1000


def startup_times(store: Path | str, repeat: int = 5) -> dict:
    """The median wall time of each program in ``repeat`` fresh processes (the runs alternate, so a
    busy moment of the machine falls on all of them), and the query command's ratio to rdflib's import."""
    programs = _programs(Path(store))
    times: dict[str, list[float]] = {name: [] for name in programs}
    for _ in range(repeat):
        for name, code in programs.items():
            times[name].append(_wall_ms(code))
    result = {name: round(statistics.median(values), 1) for name, values in times.items()}
    result["query"] = " ".join(QUERY)
    result["ratio_to_rdflib_import"] = round(result["query_command_ms"] / result["rdflib_import_ms"], 2)
    return result
