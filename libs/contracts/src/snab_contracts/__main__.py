"""``python -m snab_contracts export|check [DIR]``: JSON Schema snapshots of the contracts."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from snab_contracts.schema import SNAPSHOT_DIR, Report, check, current_schemas, export

_HOW_TO_FIX = (
    "Make the change compatible (add fields as optional, keep fields and values), or bump "
    "the event's version (Literal[2] = 2): the old snapshot stays for old consumers and the "
    "new version gets its own file."
)


def _print_breaking(report: Report) -> None:
    print(f"{len(report.breaking)} incompatible change(s) without a version bump:")
    for finding in report.breaking:
        print(f"  {finding}")
    print(_HOW_TO_FIX)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m snab_contracts", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    export_cmd = commands.add_parser("export", help="write one JSON Schema file per model")
    export_cmd.add_argument("dir", nargs="?", type=Path, default=SNAPSHOT_DIR)
    export_cmd.add_argument(
        "--force",
        action="store_true",
        help="write even incompatible changes (a deliberate break every consumer follows)",
    )
    check_cmd = commands.add_parser("check", help="compare the models with the snapshots")
    check_cmd.add_argument("dir", nargs="?", type=Path, default=SNAPSHOT_DIR)
    check_cmd.add_argument(
        "--strict", action="store_true", help="also fail when the snapshots are out of date"
    )
    args = parser.parse_args(argv)

    current = current_schemas()
    if args.command == "export":
        report = export(args.dir, current, force=args.force)
        if report.breaking and not args.force:
            _print_breaking(report)
            print(f"nothing written to {args.dir}")
            return 1
        if report.breaking:
            print(f"forced: {len(report.breaking)} incompatible change(s) written")
        print(f"{len(current)} schemas in {args.dir}, {len(report.written)} written")
        for finding in report.stale:
            print(f"  {finding}")
        return 0

    report = check(args.dir, current)
    if report.breaking:
        _print_breaking(report)
        return 1
    if report.stale:
        print(f"{len(report.stale)} snapshot(s) out of date (run `make contracts`):")
        for finding in report.stale:
            print(f"  {finding}")
        return 1 if args.strict else 0
    print(f"{len(current)} schemas match the snapshots in {args.dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
