"""Form fields shared by the apps."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from anju.core.params import id_param


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A multiple choice of objects where a value that cannot be a primary key ("²", a number past bigint)
    is an invalid choice with a message, not a database error: Django's ``pk__in`` lookup passes such a
    number to the database, which raises (an overflow on SQLite, out of range on PostgreSQL)."""

    def _check_values(self, value):
        for pk in value:
            if id_param(str(pk)) is None:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)
