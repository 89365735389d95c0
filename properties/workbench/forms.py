"""Forms of the evidence pages: an inspection's checklist, a month's fee figures for every
complex of the community, a satisfaction survey."""
from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.models import ResidentialComplex
from properties.models import Inspection
from redproperty.workbench.forms import DateInput, ScopedFormMixin

DATE_ERRORS = {"invalid": _("Give the date as yyyy-mm-dd.")}


def score_field(label):
    return forms.IntegerField(label=label, min_value=0, max_value=20,
                              widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": 20}),
                              error_messages={"required": _("Give the points of this item (0 to 20)."),
                                              "min_value": _("At least 0 points."),
                                              "max_value": _("At most 20 points."),
                                              "invalid": _("Give a whole number of points.")})


class InspectionForm(ScopedFormMixin, forms.Form):
    complex = forms.ModelChoiceField(label=_("Residential complex"), queryset=ResidentialComplex.objects.all(),
                                     error_messages={"required": _("Choose the residential complex.")})
    inspected_on = forms.DateField(label=_("Inspected on"), widget=DateInput(),
                                   error_messages={"required": _("Give the date of the inspection."), **DATE_ERRORS})
    inspector = forms.CharField(label=_("Inspector"), required=False, max_length=50)
    order_security = score_field(_("order and security"))
    equipment = score_field(_("shared equipment"))
    cleaning = score_field(_("cleaning"))
    greening = score_field(_("greening"))
    records = score_field(_("records"))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, community=None, firms=None, **kwargs):
        super().__init__(*args, **kwargs)
        if community is not None:
            self.fields["complex"].queryset = self.fields["complex"].queryset.filter(community=community)
        firms = firms or {}
        # The firm inspected: the one of the complex's serving contract.
        self.fields["complex"].label_from_instance = lambda c: (
            f"{c.name} · {firms[c.pk]}" if c.pk in firms else f"{c.name} · {_('no serving firm')}")
        if not self.is_bound:
            self.initial.setdefault("inspected_on", timezone.localdate())
            self.initial.setdefault("inspector", f"{self.user.last_name}{self.user.first_name}" or self.user.get_username())

    def scores(self) -> dict:
        return {item: self.cleaned_data[item] for item in Inspection.ITEMS}


class MonthForm(forms.Form):
    month = forms.DateField(label=_("Month"), input_formats=["%Y-%m"],
                            widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
                            error_messages={"invalid": _("Give the month as yyyy-mm.")})

    def clean_month(self):
        return self.cleaned_data["month"].replace(day=1)


class FeeRowForm(forms.Form):
    """One complex's row on the month's fee page. A row left wholly empty is not saved."""

    FIELDS = ("billed_amount", "paid_amount", "billed_households", "paid_households")

    billed_amount = forms.DecimalField(label=_("billed (yuan)"), required=False, min_value=0, max_digits=12, decimal_places=2)
    paid_amount = forms.DecimalField(label=_("paid (yuan)"), required=False, min_value=0, max_digits=12, decimal_places=2)
    billed_households = forms.IntegerField(label=_("households billed"), required=False, min_value=0)
    paid_households = forms.IntegerField(label=_("households paid"), required=False, min_value=0)
    is_disclosed = forms.BooleanField(label=_("fees disclosed"), required=False)

    def __init__(self, *args, complex, **kwargs):
        super().__init__(*args, **kwargs)
        self.complex = complex

    def clean(self):
        cleaned = super().clean()
        given = [name for name in self.FIELDS if cleaned.get(name) is not None]
        if given and len(given) < len(self.FIELDS):
            for name in self.FIELDS:
                if cleaned.get(name) is None and name not in self.errors:
                    self.add_error(name, _("Fill in all four figures of the complex, or none."))
        return cleaned

    @property
    def is_filled(self) -> bool:
        return all(self.cleaned_data.get(name) is not None for name in self.FIELDS)


def fee_rows(data, complexes, existing: dict):
    """One FeeRowForm per complex, prefilled with the month's figures already entered."""
    rows = []
    for complex in complexes:
        record = existing.get(complex.pk)
        initial = {name: getattr(record, name) for name in (*FeeRowForm.FIELDS, "is_disclosed")} if record else {}
        rows.append(FeeRowForm(data, complex=complex, initial=initial, prefix=f"c{complex.pk}"))
    return rows


class SurveyForm(ScopedFormMixin, forms.Form):
    complex = forms.ModelChoiceField(label=_("Residential complex"), queryset=ResidentialComplex.objects.all(),
                                     error_messages={"required": _("Choose the residential complex.")})
    period_start = forms.DateField(label=_("Period start"), widget=DateInput(),
                                   error_messages={"required": _("Give the first day the survey covers."), **DATE_ERRORS})
    period_end = forms.DateField(label=_("Period end"), widget=DateInput(),
                                 error_messages={"required": _("Give the last day the survey covers."), **DATE_ERRORS})
    sample_size = forms.IntegerField(label=_("Residents asked"), min_value=1,
                                     error_messages={"required": _("Give how many residents answered."),
                                                     "min_value": _("At least one resident must have answered.")})
    satisfied = forms.IntegerField(label=_("Of them satisfied"), min_value=0,
                                   error_messages={"required": _("Give how many were satisfied."),
                                                   "min_value": _("The number satisfied cannot be negative.")})

    def __init__(self, *args, community=None, **kwargs):
        super().__init__(*args, **kwargs)
        if community is not None:
            self.fields["complex"].queryset = self.fields["complex"].queryset.filter(community=community)
        if not self.is_bound:
            today = timezone.localdate()
            quarter_start = datetime.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
            previous_end = quarter_start - datetime.timedelta(days=1)
            self.initial.setdefault("period_start", datetime.date(previous_end.year, previous_end.month - 2, 1))
            self.initial.setdefault("period_end", previous_end)
