"""The meeting decision form marks the fields of each decision type (fields.js shows only the chosen type's)."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from anju.warning import actions


@pytest.mark.django_db
def test_decision_form_marks_fields_by_type(client, world):
    meeting = actions.plan_meeting(
        world.centre_staff, kind="regular", area=world.county, title="周研判", held_at=timezone.now()
    )
    client.force_login(world.centre_staff)
    html = client.get(f"/warning/meetings/{meeting.pk}/").content.decode()
    deadline = re.search(r'<div class="field"([^>]*)><label for="id_deadline"', html)
    level = re.search(r'<div class="field"([^>]*)><label for="id_alert_level"', html)
    text = re.search(r'<div class="field"([^>]*)><label for="id_text"', html)
    assert deadline.group(1) == ' data-shown-for="task" data-shown-by="kind"'
    assert level.group(1) == ' data-shown-for="warning" data-shown-by="kind"'
    assert text.group(1) == ""  # shown for both types
    assert 'data-picker="select"' in html  # the unit is a searchable picker
