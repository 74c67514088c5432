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
from django.forms.models import ModelChoiceIterator
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from pypinyin import Style, lazy_pinyin

from anju.core.area_choices import CachedAreaChoiceIterator
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
        if (kept := getattr(value, "picker_attrs", None)) is not None:  # area_choices computed them once
            option["attrs"] = {**kept, **option["attrs"]}
            return option
        instance = getattr(value, "instance", None)
        if instance is not None:
            data = {"data-pinyin": pinyin_keys(str(label)), "data-group": option_group(instance)}
            if path := option_area_path(instance):
                data["data-path"] = path
            # the data first: ``selected``/``checked`` stay last, where Django writes them
            option["attrs"] = {**data, **option["attrs"]}
        return option


def _attrs_html(attrs: dict) -> str:
    """``django/forms/widgets/attrs.html`` in Python: `` name="value"``, a bare `` name`` for True, nothing
    for False."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(
            f" {conditional_escape(name)}"
            if value is True
            else f' {conditional_escape(name)}="{conditional_escape(value)}"'
        )
    return "".join(parts)


class FastSelectMixin:
    """Writes the ``<select>`` in Python, byte for byte what Django's ``select.html`` and
    ``select_option.html`` templates write (``tests/core/test_pickers_render.py`` compares them).

    A picker of areas, units or people has dozens to hundreds of options; the templates include
    ``select_option.html`` (and ``attrs.html``) once per option, which cost the ledger page more than its
    25 rows. A project that overrides either template gets the template rendering back."""

    def render(self, name, value, attrs=None, renderer=None):
        if (self.template_name, self.option_template_name) != (
            "django/forms/widgets/select.html",
            "django/forms/widgets/select_option.html",
        ) or _widget_templates_overridden():
            return super().render(name, value, attrs, renderer)
        widget = self.get_context(name, value, attrs)["widget"]
        out = [f'<select name="{conditional_escape(widget["name"])}"{_attrs_html(widget["attrs"])}>']
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                out.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            for option in group_choices:
                out.append(
                    f'\n  <option value="{conditional_escape(option["value"])}"{_attrs_html(option["attrs"])}>'
                    f"{conditional_escape(localize(option['label']))}</option>\n"
                )
            if group_name:
                out.append("\n  </optgroup>")
        out.append("\n</select>")
        return mark_safe("".join(out))  # nosec B703 B308 - every name, value and label is escaped above


@lru_cache(maxsize=1)
def _widget_templates_overridden() -> bool:
    """Whether a project template replaces Django's select templates (then they are rendered as such)."""
    from django.forms.renderers import get_default_renderer
    from django.template import TemplateDoesNotExist

    renderer = get_default_renderer()
    for template_name in ("django/forms/widgets/select.html", "django/forms/widgets/select_option.html"):
        try:
            origin = renderer.get_template(template_name).origin.name
        except (TemplateDoesNotExist, AttributeError):
            return True
        if not str(origin).replace("\\", "/").endswith(f"django/forms/templates/{template_name}"):
            return True
    return False


class PickerSelect(FastSelectMixin, PickerOptionsMixin, forms.Select):
    pass


class PickerSelectMultiple(FastSelectMixin, PickerOptionsMixin, forms.SelectMultiple):
    pass


class PickerCheckboxes(PickerOptionsMixin, forms.CheckboxSelectMultiple):
    pass


class FetchedChoiceIterator(ModelChoiceIterator):
    """A picker's choices in one fetch. Django's iterator reads them through ``QuerySet.iterator()``, which
    on PostgreSQL opens a server-side cursor (``DECLARE … WITH HOLD``, then fetch and close): three round
    trips, and a copy of the result at the commit, for a list of at most a few hundred rows."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


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
        if queryset.model is Area:
            field.iterator = CachedAreaChoiceIterator
        else:
            field.iterator = FetchedChoiceIterator
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
