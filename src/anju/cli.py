"""The `anju` command.

Each capability contributes its own sub-commands through a ``register(subparsers)`` function, so this
module only wires them together. Sub-commands of the pure libraries (``signals``, ``triage``) never
import Django; the platform ones set Django up lazily.
"""

from __future__ import annotations

import argparse
import importlib
import sys

# Modules that contribute sub-commands. Each exposes ``register(subparsers)``, which adds parsers whose
# ``func`` default takes the parsed ``args`` and returns an exit code.
COMMAND_MODULES = (
    "anju.platform_cli",
    "anju.core.data_cli",
    "anju.core.cli",
    "anju.core.notify_cli",
    "anju.warning.cli",
    "anju.triage.cli",
    "anju.screening.cli",
    "anju.matters.cli",
    "anju.dashboard.cli",
    "anju.care.cli",
    "anju.assessment.cli",
    "anju.emergency.cli",
    "anju.api.cli",
    "anju.core.audit_cli",
    "anju.signals.cli",
    "anju.text.cli",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="anju", description="安居 anju — 社会领域风险防范化解平台")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
