"""Searchable pickers for areas, units and people: the data each option carries for ``static/anju/picker.js``.

The server computes every option's pinyin (``pypinyin``, its dictionary is in the package: nothing is
fetched at run time) and a group heading, and writes them as ``data-pinyin`` and ``data-group``. The script
turns a ``<select data-picker>`` into a search box with a list of large, touchable matches, and a
multi-select or a list of checkboxes into a searchable checklist grouped by area and unit kind. Without the
script the plain select or checkbox list works as before.

``pickerise(form)`` marks every area, unit and person field of a form; forms call it at the end of
``__init__``, after their querysets are set.
"""

from __future__ import annotations

from functools import lru_cache

from django import forms
from django.utils.translation import gettext as _
from pypinyin import Style, lazy_pinyin

from anju.core.punctuation import paren


@lru_cache(maxsize=4096)
def pinyin_keys(text: str) -> str:
    """``"qsz qingshanzhen"`` for 青山镇: the initials, then the full pinyin, lower case, without spaces.

    Characters without pinyin (digits, Latin letters) are kept as they are in both keys."""
    # the tree indent (U+3000), spaces and brackets (王芳（人社所）) say nothing to search by
    text = "".join(char for char in text if char.isalnum())
    if not text:
        return ""
    initials = "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default")).lower()
    full = "".join(lazy_pinyin(text, errors="default")).lower()
    return f"{initials} {full}"


def option_group(obj) -> str:
    """The heading an option is listed under in the checklist: a unit's area and kind, a person's unit,
    an area's parent."""
    from anju.core.models import Area, Domain, Unit, User

    if isinstance(obj, Unit):
        return f"{obj.area.name} · {obj.get_kind_display()}"
    if isinstance(obj, User):
        return obj.unit.name if obj.unit_id else _("未分配单位")
    if isinstance(obj, (Area, Domain)):
        return obj.parent.name if obj.parent_id else ""
    return ""


def option_area_path(obj) -> str:
    """The area path of an area or a unit: a script may tick the units of a chosen area."""
    from anju.core.models import Area, Unit

    if isinstance(obj, Area):
        return obj.path
    if isinstance(obj, Unit):
        return obj.area.path
    return ""


def person_label(user) -> str:
    """A person with their unit, so that two people of the same name are told apart."""
    name = user.display_name or user.username
    return name + paren(user.unit.name if user.unit_id else user.username)


class PickerOptionsMixin:
    """Adds ``data-pinyin`` and ``data-group`` to every option of a model choice widget."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            data = {"data-pinyin": pinyin_keys(str(label)), "data-group": option_group(instance)}
            if path := option_area_path(instance):
                data["data-path"] = path
            # the data first: ``selected``/``checked`` stay last, where Django writes them
            option["attrs"] = {**data, **option["attrs"]}
        return option


class PickerSelect(PickerOptionsMixin, forms.Select):
    pass


class PickerSelectMultiple(PickerOptionsMixin, forms.SelectMultiple):
    pass


class PickerCheckboxes(PickerOptionsMixin, forms.CheckboxSelectMultiple):
    pass


def _picker_widget(widget: forms.Widget) -> forms.Widget:
    if isinstance(widget, forms.CheckboxSelectMultiple):
        new = PickerCheckboxes(attrs=widget.attrs)
    elif isinstance(widget, forms.SelectMultiple):
        new = PickerSelectMultiple(attrs=widget.attrs)
    elif isinstance(widget, forms.Select):
        new = PickerSelect(attrs=widget.attrs)
    else:
        return widget
    new.choices = widget.choices
    new.attrs["data-picker"] = "checklist" if new.allow_multiple_selected else "select"
    return new


def pickerise(form: forms.Form, *names: str) -> None:
    """Make the named fields (default: every area, unit and person choice field, and every multiple choice
    of domains) searchable pickers."""
    from anju.core.models import Area, Domain, Unit, User

    for name, field in form.fields.items():
        if names and name not in names:
            continue
        queryset = getattr(field, "queryset", None)
        multiple = isinstance(field, forms.ModelMultipleChoiceField)
        if queryset is None or queryset.model not in (Area, Unit, User, *((Domain,) if multiple else ())):
            continue
        if queryset.model is User:
            field.queryset = queryset.select_related("unit")
            if "label_from_instance" not in vars(field) and type(field).label_from_instance is (
                forms.ModelChoiceField.label_from_instance
            ):  # a field that labels people its own way keeps it
                field.label_from_instance = person_label
        elif queryset.model is Unit:
            field.queryset = queryset.select_related("area")
        else:
            field.queryset = queryset.select_related("parent")
        field.widget = _picker_widget(field.widget)
        field.widget.is_required = field.required
        field.widget.choices = field.choices
