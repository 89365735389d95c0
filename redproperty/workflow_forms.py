"""The input form of one workflow move, shared by the admin (redproperty/workflow_admin.py) and the
workbench: it validates, and its `run()` calls the service."""
from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


class StepForm(forms.Form):
    """The input of one move. Subclasses declare fields and implement `run()`; a `formset_class`
    adds rows (candidates, parties, checklist items) validated with the form."""

    expected_status = forms.CharField(widget=forms.HiddenInput, required=False)
    formset_class = None
    formset_prefix = "rows"

    def __init__(self, data=None, *, request, record=None, **kwargs):
        super().__init__(data, **kwargs)
        self.request, self.record = request, record
        self.formset = None
        if self.formset_class is not None:
            self.formset = self.formset_class(data, prefix=self.formset_prefix, **self.formset_kwargs())
            # Cells of a table of rows have no <label>: each input carries its column's name.
            for row in [*self.formset.forms, self.formset.empty_form]:
                for field in row.fields.values():
                    field.widget.attrs.setdefault("aria-label", str(field.label))

    def formset_kwargs(self) -> dict:
        return {}

    def is_valid(self):
        valid = super().is_valid()
        return (self.formset.is_valid() if self.formset is not None else True) and valid

    def rows(self) -> list[dict]:
        """The formset's filled rows, without the deleted ones."""
        if self.formset is None:
            return []
        return [
            {k: v for k, v in f.cleaned_data.items() if k != "DELETE"}
            for f in self.formset.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]

    def run(self, *, actor, expected_status):
        """Call the service; return the record. Raises ValidationError / TransitionError."""
        raise NotImplementedError

    def add_service_errors(self, exc: ValidationError) -> None:
        """Show a service's ValidationError under its field, else above the form."""
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, exc.messages)
