"""The demo county's area tree and boundaries (pure geometry, no database)."""

from __future__ import annotations

import random
import re

import pytest

from anju.demo import geography as geo


@pytest.fixture(scope="module")
def county():
    return geo.build_county(seed=2024)


def _ring_km(spec):
    return spec.polygon


def test_tree_has_three_towns_thirty_plus_villages_and_grids(county):
    towns = county.children
    villages = [v for t in towns for v in t.children]
    grids = [g for v in villages for g in v.children]
    assert [t.name for t in towns] == ["城关街道", "青山镇", "白沙镇"]
    assert len(villages) >= 30
    assert all(v.children for v in villages), "every village has grids"
    assert len(grids) >= 2 * len(villages)


def test_codes_are_twelve_digits_unique_and_follow_the_parent(county):
    specs = list(county.walk())
    codes = [s.code for s in specs]
    assert all(re.fullmatch(r"\d{12}", c) for c in codes)
    assert len(set(codes)) == len(codes)
    assert county.code == "339901000000"
    for town in county.children:
        assert town.code.startswith("339901") and town.code.endswith("000")
        for village in town.children:
            assert village.code[:9] == town.code[:9] and village.code[9:] != "000"
            for grid in village.children:
                assert grid.code[:9] == town.code[:9]
                assert grid.code[-2:] == village.code[-2:], "grid codes carry their village number"


def test_boundaries_are_valid_geojson_polygons(county):
    for spec in county.walk():
        geometry = spec.geojson()
        assert geometry["type"] == "Polygon"
        ring = geometry["coordinates"][0]
        assert len(ring) >= 4 and ring[0] == ring[-1], spec.name
        assert all(len(p) == 2 and 119 < p[0] < 121 and 28.5 < p[1] < 30 for p in ring)
        # RFC 7946: the exterior ring is counter-clockwise (positive shoelace area in lon/lat).
        lonlat = [tuple(p) for p in ring[:-1]]
        assert geo.signed_area(lonlat) > 0, spec.name


def test_children_tile_their_parent_without_overlap(county):
    for parent in [county, *county.children, *[v for t in county.children for v in t.children]]:
        total = sum(geo.signed_area(c.polygon) for c in parent.children)
        assert total == pytest.approx(geo.signed_area(parent.polygon), rel=1e-6), parent.name
    villages = [v for t in county.children for v in t.children]
    rng = random.Random(1)
    xs = [p[0] for p in county.polygon]
    ys = [p[1] for p in county.polygon]
    hits = 0
    while hits < 300:
        pt = (rng.uniform(min(xs), max(xs)), rng.uniform(min(ys), max(ys)))
        if not geo.contains(county.polygon, pt):
            continue
        hits += 1
        inside = [v.name for v in villages if geo.contains(v.polygon, pt)]
        assert len(inside) == 1, (pt, inside)


def test_label_points_lie_inside_their_own_area(county):
    for spec in county.walk():
        assert geo.contains(spec.polygon, spec.label_point), spec.name
        assert 29.0 < spec.latitude < 29.7 and 119.5 < spec.longitude < 120.3


def test_urban_communities_are_smaller_than_rural_villages(county):
    town_by_name = {t.name: t for t in county.children}
    urban = [geo.signed_area(v.polygon) for v in town_by_name["城关街道"].children]
    rural = [geo.signed_area(v.polygon) for v in town_by_name["白沙镇"].children]
    assert sum(urban) / len(urban) < sum(rural) / len(rural) / 2


def test_same_seed_same_county_other_seed_other_shapes():
    a, b, c = geo.build_county(7), geo.build_county(7), geo.build_county(8)
    assert [s.geojson() for s in a.walk()] == [s.geojson() for s in b.walk()]
    assert a.geojson() != c.geojson()
    assert [s.code for s in a.walk()] == [s.code for s in c.walk()]
