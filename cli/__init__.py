"""The `mrkg` command line (placeholder until the CLI lands)."""


def main() -> int:  # pragma: no cover
    raise SystemExit("mrkg: the command line is being written")
