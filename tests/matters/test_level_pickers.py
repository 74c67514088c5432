"""The people and unit selects of the level rules, 黑天鹅 review and accountability forms are searchable
pickers (``core.pickers.pickerise``): a 包案领导 option carries its pinyin and unit."""

from __future__ import annotations

from anju.matters import actions
from anju.matters.forms_coordination import AccountabilityForm
from anju.matters.forms_levels import LeadLeaderForm
from anju.matters.forms_review import BlackSwanConfirmForm, CorrectFactsForm


def _matter(world):
    return actions.create_matter(
        world.centre_staff,
        kind="dispute",
        domain=world.wages,
        area=world.village_a1,
        title="拖欠工资",
        description="拖欠工资",
    )


def test_lead_leader_form_is_a_picker_of_leaders(world):
    html = str(LeadLeaderForm(matter=_matter(world)))
    assert 'data-picker="select"' in html
    # lingdao (no display name) of 示范县综治中心: pinyin of the username's label, grouped by unit
    assert 'data-group="示范县综治中心"' in html


def test_review_and_accountability_unit_selects_are_pickers(world):
    matter = _matter(world)
    staff = world.centre_staff
    for form in (
        BlackSwanConfirmForm(user=staff),
        AccountabilityForm(user=staff, matter=matter),
        CorrectFactsForm(user=staff, matter=matter),
    ):
        html = str(form)
        assert 'data-picker="select"' in html, type(form).__name__
    assert 'data-pinyin="dzpcs dongzhenpaichusuo"' in str(BlackSwanConfirmForm(user=staff))
