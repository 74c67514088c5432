"""The area pickers' choices, kept per version of the area tree.

Every page with an area filter (the ledger's above all) listed the user's whole subtree of areas: one
query, a model per area, its pinyin and group heading — for the county centre 120 areas on each visit,
though areas change a few times a year. The choices a picker's queryset gives are kept in this process,
under the queryset's SQL (which holds the user's scope) and the tree's version; the version lives in the
shared Django cache, so that every server process sees a change: a saved or deleted area, or
``tree_changed()`` after a bulk ``update()``, gives the tree a new version. The version also expires
(``VERSION_SECONDS``), so a change that bypassed both is seen within that time.

Only what a picker shows is kept: validating a submitted area still reads the database
(``ModelChoiceField.to_python``), so a stale list can never let a value through that scope refuses.
"""

from __future__ import annotations

import uuid
from collections import OrderedDict

from django.core.cache import cache
from django.db import transaction
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue
from django.utils.translation import get_language

VERSION_KEY = "anju:area-tree-version"
VERSION_SECONDS = 600
_KEPT = 256  # lists of choices kept per process (one per distinct scope and field)
_choices: OrderedDict[tuple, list] = OrderedDict()


def _new_version() -> str:
    version = uuid.uuid4().hex
    cache.set(VERSION_KEY, version, VERSION_SECONDS)
    return version


def tree_version() -> str:
    return cache.get(VERSION_KEY) or _new_version()


def tree_changed(**_signal_kwargs) -> None:
    """Areas changed: a new version now (this transaction's own reads) and again after the commit (a
    process that read the old rows under the first new version keeps them no longer)."""
    _new_version()
    transaction.on_commit(_new_version)


class PickerChoiceValue(ModelChoiceIteratorValue):
    """A kept choice's value: the area's id, with the picker's ``data-`` attributes computed when kept."""

    def __init__(self, value, picker_attrs: dict):
        super().__init__(value, None)
        self.picker_attrs = picker_attrs


class CachedAreaChoiceIterator(ModelChoiceIterator):
    """The choices of an area picker from the kept list, computed at most once per tree version."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self._kept()

    def _kept(self) -> list:
        from anju.core.pickers import option_area_path, option_group, pinyin_keys

        label_of = self.field.label_from_instance
        key = (
            str(self.queryset.query),
            getattr(label_of, "__qualname__", repr(label_of)),
            get_language(),
            tree_version(),
        )
        if (kept := _choices.get(key)) is not None:
            _choices.move_to_end(key)
            return kept
        kept = []
        for area in self.queryset:
            label = label_of(area)
            attrs = {"data-pinyin": pinyin_keys(str(label)), "data-group": option_group(area)}
            if path := option_area_path(area):
                attrs["data-path"] = path
            kept.append((PickerChoiceValue(self.field.prepare_value(area), attrs), label))
        _choices[key] = kept
        while len(_choices) > _KEPT:
            _choices.popitem(last=False)
        return kept

    def __len__(self):
        return len(self._kept()) + (1 if self.field.empty_label is not None else 0)
