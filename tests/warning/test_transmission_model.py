"""风险传导's fit and summaries on a hand-built county (no database): four villages in a row, two domains, counts
simulated from a known endemic–epidemic process. Neighbours from boundaries, shares that add up, couplings with
intervals around their estimate, and a scenario that reaches the shocked village and its neighbours."""

from __future__ import annotations

import numpy as np
import pytest

from anju.core.models import Area, AreaLevel, Domain
from anju.warning.transmission import CountySeries, fit_county, village_adjacency
from anju.warning.transmission_scenario import run_scenario
from anju.warning.transmission_summary import summarise


def square(x0, y0, x1, y1):
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


def test_neighbours_share_an_edge_not_a_corner():
    a = Area(pk=1, name="甲", parent_id=10, boundary=square(0, 0, 1, 1))
    b = Area(pk=2, name="乙", parent_id=10, boundary=square(1, 0, 2, 1))  # shares A's right edge
    c = Area(pk=3, name="丙", parent_id=10, boundary=square(3, 0, 4, 1))  # apart
    d = Area(pk=4, name="丁", parent_id=10, boundary=square(2, 1, 3, 2))  # touches B at one corner only
    e = Area(
        pk=5,
        name="戊",
        parent_id=10,
        boundary={"type": "Polygon", "coordinates": [[[0, 1], [0.5, 1], [0.5, 2], [0, 1]]]},
    )
    adj = village_adjacency([a, b, c, d, e])
    expected = np.zeros((5, 5), dtype=bool)
    expected[0, 1] = expected[1, 0] = True
    expected[0, 4] = expected[4, 0] = True  # E's base lies on A's top edge
    assert (adj == expected).all()


def test_villages_without_boundaries_neighbour_their_town():
    a = Area(pk=1, name="甲", parent_id=10)
    b = Area(pk=2, name="乙", parent_id=10)
    c = Area(pk=3, name="丙", parent_id=11)
    adj = village_adjacency([a, b, c])
    assert adj.tolist() == [[False, True, False], [True, False, False], [False, False, False]]


@pytest.fixture(scope="module")
def county():
    """4 villages in a row (A–B–C–D; A, B in town 东 and C, D in town 西), 2 domains, 150 weeks simulated with
    endemic 0.6 a week, own past 0.2 and neighbours 0.5 (same domain, next village)."""
    rng = np.random.default_rng(11)
    top = Area(pk=100, code="100", name="县", level=AreaLevel.COUNTY, path="/100/")
    towns = {"东": "/100/101/", "西": "/100/102/"}
    villages = [
        Area(
            pk=k + 1,
            code=f"10{k}",
            name=name,
            level=AreaLevel.VILLAGE,
            parent_id=200 + k // 2,
            path=f"{towns['东' if k < 2 else '西']}{k}/",
        )
        for k, name in enumerate(["甲村", "乙村", "丙村", "丁村"])
    ]
    domains = [Domain(pk=1, code="land", name="征地"), Domain(pk=2, code="wages", name="欠薪")]
    adj = np.zeros((4, 4), dtype=bool)
    for k in range(3):
        adj[k, k + 1] = adj[k + 1, k] = True
    n_t, n_i = 150, 8
    y = np.zeros((n_t, n_i))
    neighbours = np.kron(adj / adj.sum(axis=1, keepdims=True), np.eye(2))
    for t in range(n_t):
        mu = 0.6 + (0.2 * y[t - 1] + 0.5 * (y[t - 1] @ neighbours) if t else 0)
        y[t] = rng.poisson(mu)
    mondays = np.datetime64("2024-01-01") + 7 * np.arange(n_t)
    series = CountySeries(top, villages, domains, mondays, y, np.arange(n_i), adj)
    return fit_county(series), Area(pk=101, code="101", name="东", path="/100/101/"), top


def test_the_fit_finds_the_neighbours(county):
    cfit, _town, _top = county
    assert cfit.fit.converged
    assert cfit.omega >= 0.5  # the simulated coupling runs between villages, not between domains
    ne = [r for r in summarise(cfit, county[2])["coefficients"]["rates"] if r["kind"] == "ne"]
    assert all(r["low"] < r["rate"] < r["high"] for r in ne)


def test_shares_add_up_to_one_and_are_scoped_to_the_area(county):
    cfit, town, top = county
    result = summarise(cfit, town)
    assert [v["name"] for v in result["villages"]] == ["甲村", "乙村"]
    for domain in result["domains"]:
        assert sum(domain["shares"].values()) == pytest.approx(1.0, abs=1e-4)
        assert domain["shares"]["ne"] > 0.2
        assert {v["name"] for v in domain["villages"]} <= {"甲村", "乙村"}
        for village in domain["villages"]:
            assert sum(village["shares"].values()) == pytest.approx(1.0, abs=1e-4)
    county_result = summarise(cfit, top)
    assert sum(d["observed"] for d in county_result["domains"]) == int(cfit.series.counts[-52:].sum())


def test_couplings_have_intervals_and_name_only_the_areas_targets(county):
    cfit, town, _top = county
    couplings = summarise(cfit, town)["couplings"]
    assert couplings["villages"], "neighbouring villages are coupled"
    for row in couplings["villages"]:
        assert row["target"] in {"甲村", "乙村"}
        assert row["low"] <= row["expected"] <= row["high"]
    pairs = {(r["source"], r["target"]) for r in couplings["villages"]}
    assert {("乙村", "甲村"), ("甲村", "乙村"), ("丙村", "乙村")} <= pairs  # first-order neighbours


def test_a_scenario_adds_matters_in_the_shocked_village_and_its_neighbour(county):
    cfit, _town, top = county
    result = summarise(cfit, top)
    report = run_scenario(result, top.path, village=2, domain=1, factor=2.0, weeks=3)  # 乙村, 征地
    by_village = {row["name"]: row for row in report.by_village}
    assert by_village["乙村"]["expected"] > 1.0  # about 3 weeks x ~1.5 a week more
    assert by_village["甲村"]["expected"] > 0.05 and by_village["丙村"]["expected"] > 0.05
    assert by_village["乙村"]["expected"] > by_village["甲村"]["expected"]
    assert report.total["low"] <= report.total["expected"] <= report.total["high"]
    assert {row["name"] for row in report.by_domain} >= {"征地"}
    assert len(report.by_week) == 7 and [w["shock"] for w in report.by_week] == [True] * 3 + [False] * 4
