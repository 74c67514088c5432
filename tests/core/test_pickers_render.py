"""The pickers' ``<select>`` written in Python is what Django's templates write; the area pickers' kept
choices follow every change of the area tree."""

from __future__ import annotations

import re

import pytest
from django.http import QueryDict

from anju.core import admin_actions
from anju.core.models import AreaLevel
from anju.core.pickers import FastSelectMixin, PickerSelect, PickerSelectMultiple
from anju.matters.filters import LedgerFilterForm


def _by_templates(widget, name, value, attrs=None):
    """The same widget rendered through Django's select templates (the mixin's own fallback)."""
    return super(FastSelectMixin, widget).render(name, value, attrs)


CHOICES = [
    ("", "全部"),
    (1, "东镇"),
    ("2", 'A & B <"村">'),
    ("组一", [("3", "第一网格"), ("4", "第二网格")]),
]


@pytest.mark.parametrize("value", [None, "", "2", "4", 1])
def test_single_select_is_written_as_the_templates_write_it(value):
    widget = PickerSelect(
        attrs={"data-picker": "select", "required": True, "disabled": False, "title": 'a"b'}
    )
    widget.choices = CHOICES
    fast = widget.render("area", value, attrs={"id": "id_area"})
    assert fast == _by_templates(widget, "area", value, attrs={"id": "id_area"})
    assert fast.startswith('<select name="area" data-picker="select" required title="a&quot;b" id="id_area">')
    assert "A &amp; B &lt;&quot;村&quot;&gt;" in fast


def test_multiple_select_with_two_chosen_is_the_same():
    widget = PickerSelectMultiple(attrs={"data-picker": "checklist"})
    widget.choices = CHOICES[1:]
    fast = widget.render("areas", ["1", "4"])
    assert fast == _by_templates(widget, "areas", ["1", "4"])
    assert re.findall(r'<option value="(\d)"[^>]* selected>', fast) == ["1", "4"]


@pytest.mark.django_db
def test_ledger_filter_area_picker_is_the_same_as_by_templates(world):
    form = LedgerFilterForm(world.centre_staff, QueryDict(f"area={world.village_a1.pk}"))
    field = form["area"]
    widget = field.field.widget
    fast = str(field)
    slow = _by_templates(widget, field.html_name, field.value(), attrs={"id": field.auto_id})
    assert fast == slow
    assert f'<option value="{world.village_a1.pk}" data-pinyin="dyc dongyicun" data-group="东镇"' in fast


def _area_options(user) -> dict[str, str]:
    """The area picker's options of a fresh ledger filter form: label (indent kept) → the option tag."""
    html = str(LedgerFilterForm(user, QueryDict(""))["area"])
    return {label: tag for tag, label in re.findall(r"(<option[^>]*>)([^<]*)</option>", html)}


@pytest.mark.django_db
def test_area_picker_follows_new_renamed_and_moved_areas(world):
    admin = world.admin
    before = _area_options(world.centre_staff)
    assert "\u3000\u3000东一村" in before and "\u3000\u3000\u3000东一村第一网格" in before
    assert _area_options(world.centre_staff) == before  # kept: the same list again

    added = admin_actions.add_area(
        admin, world.town_b, code="330102009000", name="西九村", level=AreaLevel.VILLAGE
    )
    options = _area_options(world.centre_staff)
    assert f'value="{added.pk}"' in options["\u3000\u3000西九村"]

    admin_actions.update_area(admin, added, name="西十村")
    options = _area_options(world.centre_staff)
    assert "\u3000\u3000西十村" in options and "\u3000\u3000西九村" not in options

    # a move rewrites paths with update() (no signal): the picker still sees the new parent
    admin_actions.move_area(admin, world.grid_a1, new_parent=world.village_b1)
    moved = _area_options(world.centre_staff)["\u3000\u3000\u3000东一村第一网格"]
    assert 'data-group="西一村"' in moved
    assert f'data-path="{world.village_b1.path}{world.grid_a1.code}/"' in moved


@pytest.mark.django_db
def test_kept_area_choices_are_per_scope(world):
    """A town's staff see their town's subtree, not the county's list kept for the county staff."""
    county = _area_options(world.centre_staff)
    town = _area_options(world.town_staff)
    assert "\u3000西镇" in county and "\u3000\u3000西一村" in county
    assert not any("西" in label for label in town)
    assert any("东一村" in label for label in town)
