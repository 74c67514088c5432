"""``anju screening-tick``: opens the day's rounds and sends the day's reminders."""

from __future__ import annotations

import argparse

from anju.core.models import Notification
from anju.screening import cli
from anju.screening.models import Round


def _run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="anju")
    cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["screening-tick", *argv])
    return args.func(args)


def test_screening_tick_opens_rounds_and_reminds(world, capsys):
    assert _run("--today", "2026-12-16") == 0
    out = capsys.readouterr().out
    assert "新开启 3 轮排查" in out and "2026年12月下半月排查" in out
    assert Round.objects.count() == 3
    assert _run("--today", "2026-12-31") == 0  # three days before the village round is due
    out = capsys.readouterr().out
    assert "新开启 0 轮排查，发送提醒 2 条。" in out  # cun and cun_b
    assert Notification.objects.filter(key__startswith="screening:remind:").count() == 2
