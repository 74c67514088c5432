"""No lost update, no double filing: two filings of one return, and a filing against the round's closing,
started together in real threads (each with its own database connection)."""

from __future__ import annotations

import datetime as dt

import pytest

from anju.core.errors import Conflict
from anju.core.models import AreaLevel, AuditEvent, User
from anju.matters.models import Matter
from anju.screening.actions import close_round, ensure_default_cadences, file_return, open_due_rounds
from anju.screening.models import Cadence, Return, Round, RoundStatus
from racing import run_pair

from .conftest import a_matter, lines_with

PAIRS = 6


def _village_rounds(today, n):
    """``n`` open village rounds of successive half-months, each with a pending return for every village."""
    ensure_default_cadences()
    Cadence.objects.update(close_after_days=None)
    rounds = []
    for k in range(n):
        opened = open_due_rounds(today - dt.timedelta(days=16 * k))
        rounds += [r for r in opened if r.level == AreaLevel.VILLAGE]
    assert len(rounds) == n
    return rounds


def _user(pk):
    return User.objects.get(pk=pk)


@pytest.mark.django_db(transaction=True)
def test_two_filings_of_one_return_file_it_once(world, today):
    """The village cadre (two matters) and the town centre on its behalf (a zero report) file the same
    return from forms showing the same version: one return, from exactly one of them, nothing half-saved."""
    winners = []
    for round_ in _village_rounds(today, PAIRS):
        ret = Return.objects.get(round=round_, area=world.village_a1)
        seen = ret.version
        results = run_pair(
            lambda pk=round_.pk, seen=seen: file_return(
                _user(world.cadre.pk),
                Round.objects.get(pk=pk),
                lines=lines_with(world.wages, a_matter(title="欠薪"), a_matter(title="社保断缴")),
                version=seen,
            ),
            lambda pk=round_.pk, seen=seen: file_return(
                _user(world.centre_staff.pk),
                Round.objects.get(pk=pk),
                area=world.village_a1,
                zero_report=True,
                version=seen,
            ),
        )
        assert sorted(r[0] for r in results) == ["ok", "refused"]
        refusal = next(r[1] for r in results if r[0] == "refused")
        assert "不能重复填报" in refusal.messages[0]
        cadre_won = results[0][0] == "ok"
        winners.append("cadre" if cadre_won else "centre")
        ret.refresh_from_db()
        assert ret.filed_by_id == (world.cadre.pk if cadre_won else world.centre_staff.pk)
        assert ret.version == seen + 1 and ret.zero_report is not cadre_won
        assert ret.lines.count() == 15  # one line per active domain, not two sets
        registered = sum(line.matters.count() for line in ret.lines.all())
        assert registered == (2 if cadre_won else 0)
        filed = AuditEvent.objects.filter(action="screening.return_filed", object_id=str(ret.pk))
        assert filed.count() == 1
        assert filed.get().after["zero_report"] == ret.zero_report
    assert len(winners) == PAIRS
    print(f"two filings, {PAIRS} pairs, won by: {sorted(winners)}")  # shown with -s
    # The losers registered nothing: the ledger holds exactly the winners' matters.
    assert Matter.objects.filter(title__in=["欠薪", "社保断缴"]).count() == 2 * winners.count("cadre")


@pytest.mark.django_db(transaction=True)
def test_filing_against_closing_the_round_applies_in_order(world, today):
    """Filing and closing at once: either the filing goes first and both apply, or the round closes first
    and the filing is refused. Never a return filed into a closed round."""
    outcomes = []
    for round_ in _village_rounds(today, PAIRS):
        ret = Return.objects.get(round=round_, area=world.village_a1)
        results = run_pair(
            lambda pk=round_.pk, seen=ret.version: file_return(
                _user(world.cadre.pk), Round.objects.get(pk=pk), zero_report=True, version=seen
            ),
            lambda pk=round_.pk: close_round(
                _user(world.centre_staff.pk), Round.objects.get(pk=pk), note="到期结束"
            ),
        )
        filing, closing = results
        assert closing[0] == "ok"
        round_.refresh_from_db()
        ret.refresh_from_db()
        assert round_.status == RoundStatus.CLOSED
        if filing[0] == "ok":
            outcomes.append("filed, then closed")
            assert ret.is_filed and ret.filed_at <= round_.closed_at
            closed = AuditEvent.objects.get(action="screening.round_closed", object_id=str(round_.pk))
            assert closed.after["missing"] == 2  # the two other villages; this one had filed
        else:
            outcomes.append("closed, filing refused")
            assert "本轮排查已结束" in filing[1].messages[0]
            assert not ret.is_filed and ret.lines.count() == 0
    assert len(outcomes) == PAIRS
    print(f"filing against closing, {PAIRS} pairs: {sorted(outcomes)}")  # shown with -s


@pytest.mark.django_db
def test_a_stale_return_form_is_refused(world, village_round):
    """A form showing an older version of the return (edited meanwhile) is refused with the message."""
    ret = Return.objects.get(round=village_round, area=world.village_a1)
    seen = ret.version
    ret.note = "由管理员更正"
    ret.save()
    with pytest.raises(Conflict) as exc:
        file_return(world.cadre, village_round, zero_report=True, version=seen)
    assert exc.value.messages == ["该排查报表已被他人修改，请刷新后重试。"]
    ret.refresh_from_db()
    assert not ret.is_filed and ret.lines.count() == 0
    assert file_return(world.cadre, village_round, zero_report=True, version=ret.version).is_filed
