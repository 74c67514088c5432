"""Shared data of the cases tests: matters in 东一村, 东二村 and 西一村, and a fixed moment to act at."""

from __future__ import annotations

import pytest

from anju.matters import actions as matter_actions


@pytest.fixture
def make_matter(world):
    def make(area=None, title="化工厂夜间排放异味", **overrides):
        fields = {
            "kind": "dispute",
            "domain": world.land,
            "area": area or world.village_a1,
            "title": title,
            "description": "村民反映厂区夜间排放刺鼻气味。",
        }
        fields.update(overrides)
        return matter_actions.create_matter(world.centre_staff, **fields)

    return make


@pytest.fixture
def town_matters(world, make_matter):
    """Two matters of 东镇: one in 东一村, one in 东二村."""
    return [make_matter(world.village_a1), make_matter(world.village_a2, title="化工厂废水排入河道")]
