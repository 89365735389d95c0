"""Forms of the workbench: scoped choices and service errors on the form."""
from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict


def scope_choices(field, user) -> None:
    """Narrow a model choice field to what `user` may see (no-op for unscoped models such as
    categories)."""
    queryset = getattr(field, "queryset", None)
    if queryset is None:
        return
    manager = queryset.model._default_manager
    if hasattr(manager, "visible_to"):
        field.queryset = queryset & manager.visible_to(user)


class ScopedFormMixin:
    """A form taking `user=`: every ModelChoiceField and ModelMultipleChoiceField offers only
    `Model.objects.visible_to(user)`, so a record out of scope is never offered and an id
    naming one fails with "Select a valid choice"."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                scope_choices(field, user)


def add_service_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: under the field it names, else above it."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, messages in error.error_dict.items():
        form.add_error(name if name in form.fields else None, messages)


class DateInput(forms.DateInput):
    """The browser's date picker; the value stays ISO (yyyy-mm-dd) without JavaScript too."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def as_typed(form_or_formset):
    """A bound form (or formset) that shows what was typed without judging it yet: used when a
    row is added without JavaScript, before the user has finished. Marks it as already
    cleaned with no errors, so rendering does not validate it."""
    forms_ = getattr(form_or_formset, "forms", None)
    if forms_ is not None:
        form_or_formset._errors, form_or_formset._non_form_errors = [], form_or_formset.error_class()
        for form in forms_:
            as_typed(form)
        return form_or_formset
    form_or_formset._errors = ErrorDict()
    form_or_formset.cleaned_data = {}
    return form_or_formset
