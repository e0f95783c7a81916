"""python -m servers --missing-debian-packages: what `make test` must install."""

import argparse

from servers.registry import SERVERS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m servers", description=__doc__)
    parser.add_argument(
        "--missing-debian-packages",
        action="store_true",
        required=True,
        help="print the Debian packages of the servers that are not installed",
    )
    parser.parse_args(argv)
    missing = {
        server.debian
        for server in SERVERS.values()
        if server.debian and server.executable() is None
    }
    print(" ".join(sorted(missing)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
