"""Keyset ("seek") pagination of the ledger, shared by the ledger page and ``/api/matters``.

An OFFSET page costs the database every row before it (page 1000 of a large ledger reads 25,000 rows), and
the paginator's exact ``COUNT(*)`` reads every row of the filter. A seek page asks instead for the rows
*after* (or *before*) the last row shown, in the ledger's order: ``WHERE (key, id) < (…) ORDER BY key, id
LIMIT n`` walks an index from that point, so every page costs the same. Each sort of the ledger
(``SORT_KEYS``) is a key of columns ending in a unique one (the id, or the unique number), so the order is
total and no row is shown twice or skipped, whatever the ties.

A position is a ``cursor``: an opaque token (base64 of JSON) holding the sort, the direction and the key of
a row. A token for another sort, or one that does not parse, is refused with ``BadCursor``. The token is
not signed: it only positions a query that is already scoped to the user, so a forged token shows nothing
the user may not see.

The total is counted only up to ``COUNT_CAP`` (``count_capped``): "超过 10,000 件" beyond it.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
    TextField,
    Value,
)
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

COUNT_CAP = 10_000
FIRST, AFTER, BEFORE, LAST = "first", "after", "before", "last"


class BadCursor(ValueError):
    """A cursor that does not parse or belongs to another sort."""


@dataclass(frozen=True)
class Column:
    name: str  # a field of Matter
    kind: str  # how its value travels in a token: "datetime", "date", "int", "str"
    descending: bool = False
    nullable: bool = False  # nulls sort after every value in both directions (NULLS LAST)

    def order(self, reverse: bool):
        descending = self.descending != reverse
        if self.nullable:  # nulls last in the ledger's order, so first when walking it backwards
            nulls = {"nulls_first": True} if reverse else {"nulls_last": True}
            return F(self.name).desc(**nulls) if descending else F(self.name).asc(**nulls)
        return f"-{self.name}" if descending else self.name


def _id(descending: bool) -> Column:
    return Column("id", "int", descending)


# Each sort of the ledger (``filters.SORT_CHOICES``) as its key; the last column is unique.
SORT_KEYS: dict[str, tuple[Column, ...]] = {
    "-registered": (Column("registered_at", "datetime", True), _id(True)),
    "registered": (Column("registered_at", "datetime"), _id(False)),
    "deadline": (Column("deadline", "date", nullable=True), _id(False)),
    "-deadline": (Column("deadline", "date", True, nullable=True), _id(True)),
    # the stored rank (Matter.level_rank) with the index matter_level_rank on (level_rank, registered_at,
    # id): 高→低 walks it backwards (newest first within a level), 低→高 forwards (exactly its reverse)
    "level": (Column("level_rank", "int"), Column("registered_at", "datetime"), _id(False)),
    "-level": (Column("level_rank", "int", True), Column("registered_at", "datetime", True), _id(True)),
    "number": (Column("number", "str"),),
    "-number": (Column("number", "str", True),),
}


def ordering(sort: str, reverse: bool = False) -> list:
    """The ``order_by`` arguments of a sort, or of the same order walked backwards."""
    return [column.order(reverse) for column in SORT_KEYS[sort]]


# tokens ------------------------------------------------------------------------------------------------


def _dump(column: Column, value):
    if value is None:
        return None
    if column.kind == "datetime":
        return value.astimezone(dt.UTC).isoformat()
    if column.kind == "date":
        return value.isoformat()
    return value


def _load(column: Column, value):
    if value is None:
        if column.nullable:
            return None
        raise BadCursor("null")
    try:
        if column.kind == "datetime" and isinstance(value, str):
            moment = dt.datetime.fromisoformat(value)
            if moment.tzinfo is None:
                raise BadCursor("naive")
            return moment
        if column.kind == "date" and isinstance(value, str):
            return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise BadCursor("time") from exc
    if column.kind == "int" and isinstance(value, int) and not isinstance(value, bool):
        return value
    if column.kind == "str" and isinstance(value, str) and len(value) <= 100:
        return value
    raise BadCursor("type")


def encode(sort: str, direction: str, row) -> str:
    """The token of the position just after (``AFTER``) or just before (``BEFORE``) ``row``."""
    key = [_dump(column, getattr(row, column.name)) for column in SORT_KEYS[sort]]
    raw = json.dumps({"s": sort, "d": direction, "k": key}, separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(token: str, sort: str) -> tuple[str, list]:
    """The direction and key values of a token made for ``sort``; ``BadCursor`` otherwise."""
    if not token or len(token) > 1000:
        raise BadCursor("length")
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        data = json.loads(raw.decode())
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise BadCursor("format") from exc
    if not isinstance(data, dict) or data.get("d") not in (AFTER, BEFORE):
        raise BadCursor("shape")
    if data.get("s") != sort:
        raise BadCursor("sort")
    columns = SORT_KEYS[sort]
    values = data.get("k")
    if not isinstance(values, list) or len(values) != len(columns):
        raise BadCursor("key")
    return data["d"], [_load(column, value) for column, value in zip(columns, values, strict=True)]


# the seek condition -----------------------------------------------------------------------------------


def _equal(column: Column, value) -> Q:
    return Q(**{f"{column.name}__isnull": True}) if value is None else Q(**{column.name: value})


def _beyond(column: Column, value, reverse: bool, inclusive: bool = False) -> Q | None:
    """Rows past ``value`` in the column's order (walked backwards when ``reverse``); None: no row is."""
    descending = column.descending != reverse
    nulls_after = column.nullable and not reverse  # NULLS LAST forwards, so first backwards
    if value is None:
        if column.nullable and not nulls_after and not inclusive:
            return Q(**{f"{column.name}__isnull": False})
        return None
    operator = ("lt" if descending else "gt") + ("e" if inclusive else "")
    condition = Q(**{f"{column.name}__{operator}": value})
    if nulls_after:
        condition |= Q(**{f"{column.name}__isnull": True})
    return condition


_FIELD_OF_KIND = {
    "datetime": DateTimeField(),
    "date": DateField(),
    "int": IntegerField(),
    "str": CharField(),
}


def _row(expressions) -> Func:
    return Func(*expressions, function="", template="(%(expressions)s)", output_field=TextField())


def _row_beyond(columns: tuple[Column, ...], values: list, reverse: bool) -> Q:
    """``(a, b, c) > (x, y, z)`` as a row comparison, which PostgreSQL (and SQLite) compare in order and
    PostgreSQL turns into an index condition: the walk starts exactly at the position, even inside a long
    run of equal first values (the four levels)."""
    descending = columns[0].descending != reverse
    row = _row(F(column.name) for column in columns)
    key = _row(
        Value(value, output_field=_FIELD_OF_KIND[column.kind])
        for column, value in zip(columns, values, strict=True)
    )
    operator = " < " if descending else " > "
    return Q(Func(row, key, template="%(expressions)s", arg_joiner=operator, output_field=BooleanField()))


def _row_comparable(columns: tuple[Column, ...], values: list) -> bool:
    """Whether a row comparison says "after": every column in one direction, no null in the key."""
    same_direction = len({column.descending for column in columns}) == 1
    return len(columns) > 2 and same_direction and not any(c.nullable for c in columns) and None not in values


def beyond(sort: str, values: list, reverse: bool) -> Q:
    """The rows strictly after the key ``values`` in the sort's order (before it when ``reverse``).

    A key of one direction and more than two columns (the level sorts, whose first column repeats on a
    quarter of the ledger) is one row comparison (``_row_beyond``). Otherwise ``(a, b) > (x, y)`` is written
    out as ``a > x OR (a = x AND b > y)``, which both databases understand, plus the redundant ``a >= x``
    that an index on ``a`` can start its walk from (the first column there is nearly unique)."""
    columns = SORT_KEYS[sort]
    if _row_comparable(columns, values):
        return _row_beyond(columns, values, reverse)
    alternatives = []
    for i, column in enumerate(columns):
        past = _beyond(column, values[i], reverse)
        if past is None:
            continue
        for previous, value in zip(columns[:i], values[:i], strict=True):
            past &= _equal(previous, value)
        alternatives.append(past)
    if not alternatives:
        return Q(pk__in=[])
    condition = reduce(or_, alternatives)
    start = _beyond(columns[0], values[0], reverse, inclusive=True)
    return condition & start if start is not None and len(columns) > 1 else condition


# a page -----------------------------------------------------------------------------------------------


@dataclass
class SeekPage:
    """One page of rows with where it lies: iterable like a paginator's page."""

    object_list: list
    sort: str
    has_previous: bool
    has_next: bool
    position: str = FIRST  # FIRST, AFTER, BEFORE, LAST, or "number" (a legacy ?page=N)
    number: int | None = None  # the page number, when asked for by number
    count: int | None = None
    count_capped: bool = False

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def next_cursor(self) -> str | None:
        return encode(self.sort, AFTER, self.object_list[-1]) if self.has_next and self.object_list else None

    @property
    def previous_cursor(self) -> str | None:
        if not (self.has_previous and self.object_list):
            return None
        return encode(self.sort, BEFORE, self.object_list[0])

    @property
    def is_first(self) -> bool:
        return not self.has_previous

    @property
    def count_label(self) -> str:
        if self.count is None:
            return ""
        if self.count_capped:
            return _("超过 %(n)s 件事项") % {"n": f"{self.count:,}"}
        return ngettext("共 %(n)s 件事项", "共 %(n)s 件事项", self.count) % {"n": f"{self.count:,}"}


def seek(qs: QuerySet, sort: str, size: int, *, cursor: str | None = None, last: bool = False) -> SeekPage:
    """The page of the sorted ``qs`` at ``cursor`` (first page without one; the last with ``last``).

    ``qs`` is the filtered ledger (``filters.apply_filters``); the sort's order is applied here."""
    if cursor:
        direction, values = decode(cursor, sort)
        if direction == AFTER:
            rows = list(qs.filter(beyond(sort, values, reverse=False)).order_by(*ordering(sort))[: size + 1])
            return SeekPage(rows[:size], sort, has_previous=True, has_next=len(rows) > size, position=AFTER)
        rows = list(qs.filter(beyond(sort, values, reverse=True)).order_by(*ordering(sort, True))[: size + 1])
        if rows:  # near the start this page is short: pages keep their bounds whichever way one walks
            return SeekPage(
                rows[:size][::-1], sort, has_previous=len(rows) > size, has_next=True, position=BEFORE
            )
        # nothing before it (its rows were deleted): the first page
    elif last:
        rows = list(qs.order_by(*ordering(sort, True))[: size + 1])
        return SeekPage(rows[:size][::-1], sort, has_previous=len(rows) > size, has_next=False, position=LAST)
    rows = list(qs.order_by(*ordering(sort))[: size + 1])
    return SeekPage(rows[:size], sort, has_previous=False, has_next=len(rows) > size, position=FIRST)


def by_number(qs: QuerySet, sort: str, size: int, number: int) -> SeekPage:
    """A page by its number, through OFFSET: the old ``?page=N`` links keep working (slow for deep pages);
    the page's own links then continue by cursor."""
    start = (number - 1) * size
    rows = list(qs.order_by(*ordering(sort))[start : start + size + 1])
    return SeekPage(
        rows[:size],
        sort,
        has_previous=number > 1,
        has_next=len(rows) > size,
        position="number",
        number=number,
    )


def count_capped(qs: QuerySet, cap: int | None = None) -> tuple[int, bool]:
    """How many rows ``qs`` has, counting at most ``cap + 1``: (count, whether it is more than ``cap``)."""
    cap = COUNT_CAP if cap is None else cap
    counted = qs.order_by().values("pk")[: cap + 1].count()
    return min(counted, cap), counted > cap
