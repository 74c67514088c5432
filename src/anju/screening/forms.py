"""Forms of the screening pages. They only collect input; ``actions`` validates and changes state."""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from anju.core.params import MAX_INT
from anju.matters.models import MatterKind
from anju.screening.models import Cadence

MAX_MATTERS_PER_DOMAIN = 20


class MatterForm(forms.Form):
    """One matter found in one domain. Nothing is required here: an untouched row is simply not sent, and
    the action says in Chinese what a started row still lacks."""

    kind = forms.ChoiceField(
        label=_("事项类型"), choices=[("", _("请选择"))] + MatterKind.choices, required=False
    )
    title = forms.CharField(label=_("标题"), max_length=200, required=False)
    description = forms.CharField(
        label=_("情况描述"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    people_involved = forms.IntegerField(label=_("涉及人数"), min_value=0, max_value=MAX_INT, required=False)
    amount_involved = forms.DecimalField(
        label=_("涉及金额（元）"), min_value=0, max_digits=14, decimal_places=2, required=False
    )


MatterFormSet = formset_factory(MatterForm, extra=1, max_num=MAX_MATTERS_PER_DOMAIN, validate_max=True)


@dataclass
class DomainRow:
    """One domain of the return form: the 无 box and the matters found."""

    domain: object
    nothing_found: bool
    formset: object
    ledger: list = field(default_factory=list)  # matters of the ledger registered in the period (listable)
    listed: set = field(default_factory=set)  # the ids of those ticked
    errors: list[str] = field(default_factory=list)
    sent_forms: list = field(default_factory=list)  # the forms sent to the action, in order

    @property
    def key(self) -> str:
        return f"d-{self.domain.code}"

    @property
    def has_matters(self) -> bool:
        return bool(self.sent_forms) or any(f.errors for f in self.formset.forms)

    @property
    def existing(self) -> list:
        return [m for m in self.ledger if m.pk in self.listed]


# the action's error keys shown beside a field of the form (not at the top)
FIELD_KEYS = ("zero_report", "explanation", "reason")


class ReturnForm:
    """The whole return: a row per domain it covers, plus the note, the explanation of a difference with the
    ledger and (when correcting) the reason; posts as ``none-<code>``, ``existing-<code>`` (ids of ledger
    matters listed), ``d-<code>-N-…`` (new matters). ``initial``: a filed return, when correcting it."""

    def __init__(self, domains, data=None, *, ledger=None, initial=None):
        ledger = ledger or {}
        lines = {line.domain_id: line for line in initial.lines.all()} if initial is not None else {}
        self.data = data
        self.rows = []
        for d in domains:
            if data is not None:
                nothing = bool(data.get(f"none-{d.code}"))
                listed = {int(v) for v in data.getlist(f"existing-{d.code}") if str(v).isdigit()}
            else:
                line = lines.get(d.pk)
                nothing = bool(line and line.nothing_found)
                listed = {m.pk for m in line.matters.all()} if line else set()
            self.rows.append(
                DomainRow(
                    domain=d,
                    nothing_found=nothing,
                    formset=self._formset(d, data),
                    ledger=ledger.get(d.pk, []),
                    listed=listed,
                )
            )
        self.note = (
            (data.get("note", "") if data is not None else getattr(initial, "note", "")) or ""
        ).strip()
        self.explanation = (
            (data.get("explanation", "") if data is not None else getattr(initial, "explanation", "")) or ""
        ).strip()
        self.reason = (data.get("reason", "") if data is not None else "").strip()
        self.zero_report = bool(data and data.get("zero_report"))
        self.field_errors: dict[str, list[str]] = {}
        self._top: list[str] = []  # errors of the whole form
        self._placed = False  # whether an action's error was put beside a domain

    @staticmethod
    def _formset(domain, data):
        prefix = f"d-{domain.code}"
        # A domain whose rows were not sent at all (e.g. a bare 零报告 post) simply lists no matters.
        if data is None or f"{prefix}-TOTAL_FORMS" not in data:
            return MatterFormSet(prefix=prefix)
        return MatterFormSet(data=data, prefix=prefix)

    def is_valid(self) -> bool:
        valid = True
        for row in self.rows:
            if not row.formset.is_bound:
                continue
            if not row.formset.is_valid():
                valid = False
            row.sent_forms = [f for f in row.formset.forms if f.has_changed()]
        return valid

    def lines(self) -> list[dict]:
        return [
            {
                "domain": row.domain,
                "nothing_found": row.nothing_found,
                "matters": [f.cleaned_data for f in row.sent_forms],
                "existing": row.existing,
            }
            for row in self.rows
        ]

    @property
    def fields(self) -> _ErrorKeys:
        """The error keys that have a place on this form, as a Django form's ``fields`` for
        ``core.forms.add_action_errors``."""
        return _ErrorKeys({row.domain.code for row in self.rows})

    def error_of(self, key: str) -> list[str]:
        return self.field_errors.get(key, [])

    def add_error(self, key: str | None, messages) -> None:
        """Put one error where it belongs, like a Django form's ``add_error``: ``line:<code>`` beside a domain,
        ``line:<code>:<i>:<field>`` beside one matter's field (or its domain), anything else at the top."""
        messages = [messages] if isinstance(messages, str) else list(messages)
        if key in FIELD_KEYS:
            self.field_errors.setdefault(key, []).extend(messages)
            self._placed = True
            return
        parts = (key or "").split(":")
        row = next((r for r in self.rows if len(parts) > 1 and r.domain.code == parts[1]), None)
        if key is None or row is None:
            self._top.extend(messages)
            return
        self._placed = True
        form = None
        if len(parts) == 4 and parts[2].isdigit() and int(parts[2]) < len(row.sent_forms):
            form = row.sent_forms[int(parts[2])]
        if form is not None and parts[3] in form.fields:
            form.add_error(parts[3], messages)
        else:
            row.errors.extend(messages)

    @property
    def errors(self) -> list[str]:
        """What the top of the form says; after the action's errors, first how many domains need a change
        (on a phone the rows with errors may be far down the page)."""
        flagged = sum(1 for row in self.rows if row.errors or any(f.errors for f in row.sent_forms))
        if self.field_errors and not flagged:
            return [gettext("报表未提交，请按红字提示处理。"), *self._top]
        if self._placed and flagged:
            return [
                gettext("有 %(n)s 个领域需要补充或修改，请按各领域下的红字提示处理。") % {"n": flagged},
                *self._top,
            ]
        return list(self._top)


class _ErrorKeys:
    """``key in fields`` for a return form: a key naming one of its domains (``line:<code>…``)."""

    def __init__(self, codes: set[str]):
        self.codes = codes

    def __contains__(self, key) -> bool:
        if key in FIELD_KEYS:
            return True
        parts = str(key).split(":")
        return parts[0] == "line" and len(parts) > 1 and parts[1] in self.codes


class CadenceForm(forms.ModelForm):
    class Meta:
        model = Cadence
        fields = ["period_kind", "due_offset_days", "close_after_days", "departments_file", "active"]
