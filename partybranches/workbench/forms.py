"""Forms of the party-side pages: a joint meeting with its resolutions in one form, the
follow-up of a resolution, cross-appointments."""
from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communities.models import Community, OwnersCommittee, ResidentialComplex
from complaints.models import Complaint
from partybranches.models import (
    AgendaItem,
    CrossAppointment,
    Direction,
    PartyOrganization,
    ResolutionStatus,
    ResponsibleSide,
)
from properties.models import FirmEvaluation, PropertyFirm
from redproperty.workbench.forms import DateInput, ScopedFormMixin

CODE_SEPARATORS = re.compile(r"[\s,，、;；]+")


def tracking_codes(raw: str) -> list[str]:
    """`7k4m-q2xpa, 8ABC DEFGH` → ["7K4M-Q2XPA", "8ABC-DEFGH"] (dash optional, any case)."""
    codes = []
    for token in CODE_SEPARATORS.split((raw or "").upper()):
        symbols = "".join(ch for ch in token if ch.isalnum())
        if symbols:
            codes.append(f"{symbols[:4]}-{symbols[4:]}" if len(symbols) == 9 else token)
    return list(dict.fromkeys(codes))


class MeetingForm(ScopedFormMixin, forms.Form):
    community = forms.ModelChoiceField(label=_("Community"), queryset=Community.objects.all(),
                                       error_messages={"required": _("Choose the community the meeting was held for.")})
    held_on = forms.DateField(label=_("Held on"), widget=DateInput(),
                              error_messages={"required": _("Give the date of the meeting."),
                                              "invalid": _("Give the date as yyyy-mm-dd.")})
    title = forms.CharField(label=_("Title"), max_length=200,
                            error_messages={"required": _("Give the meeting a title.")})
    convened_by = forms.ModelChoiceField(label=_("Convened by"), queryset=PartyOrganization.objects.all(),
                                         error_messages={"required": _("Choose the party organisation that convened it.")})
    complexes = forms.ModelMultipleChoiceField(label=_("Complexes concerned"), required=False,
                                               queryset=ResidentialComplex.objects.all(),
                                               widget=forms.CheckboxSelectMultiple,
                                               help_text=_("Left empty: the complexes of the complaints discussed."))
    attendees_party = forms.IntegerField(label=_("Party organisation"), min_value=0, max_value=999, initial=0)
    attendees_residents_committee = forms.IntegerField(label=_("Residents' committee"), min_value=0, max_value=999, initial=0)
    attendees_owners_committee = forms.IntegerField(label=_("Owners' committee"), min_value=0, max_value=999, initial=0)
    attendees_firm = forms.IntegerField(label=_("Property firm"), min_value=0, max_value=999, initial=0)
    attendees_residents = forms.IntegerField(label=_("Residents"), min_value=0, max_value=999, initial=0)
    attending_firms = forms.ModelMultipleChoiceField(
        label=_("Firms attending"), required=False, queryset=PropertyFirm.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Left empty with firm attendees counted: the firms serving the complexes concerned."))
    topics = forms.CharField(label=_("Topics"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    minutes = forms.CharField(label=pgettext_lazy("meeting", "Minutes"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    cited_codes = forms.CharField(
        label=_("Complaints discussed"), required=False, max_length=500,
        help_text=_("Tracking codes, separated by spaces. Type the first characters to pick from your complaints."))
    evaluation_firm = forms.ModelChoiceField(label=_("Evaluation discussed: firm"), required=False,
                                             queryset=PropertyFirm.objects.all(), empty_label=_("— none —"))
    evaluation_period = forms.ChoiceField(label=_("Evaluation discussed: quarter"), required=False)
    agenda_items = forms.ModelMultipleChoiceField(
        label=_("Agenda items taken up"), required=False, queryset=AgendaItem.objects.none(),
        widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, user, community=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        communities = self.fields["community"].queryset
        self.single_community = community or (communities.first() if communities.count() == 1 else None)
        if self.single_community is not None:
            self.fields["community"].initial = self.single_community
            self.fields["community"].widget = forms.HiddenInput()
            where = {"community": self.single_community}
            self.fields["complexes"].queryset = self.fields["complexes"].queryset.filter(**where)
            self.fields["convened_by"].queryset = self.fields["convened_by"].queryset.filter(community__in=[self.single_community])
            default_org = self.fields["convened_by"].queryset.filter(kind="community_committee").first()
            if default_org is not None:
                self.fields["convened_by"].initial = default_org
        self.fields["complexes"].queryset = self.fields["complexes"].queryset.select_related("community")
        self.fields["attending_firms"].queryset = self.fields["attending_firms"].queryset.filter(
            contracts__status__in=("active", "exit_review"),
            contracts__complex__in=self.fields["complexes"].queryset).distinct().order_by("name")
        self.evaluations = FirmEvaluation.objects.visible_to(user).contracts()
        agenda = AgendaItem.objects.visible_to(user).open().select_related("complex")
        if self.single_community is not None:
            self.evaluations = self.evaluations.filter(complex__community=self.single_community)
            agenda = agenda.filter(community=self.single_community)
        # Evaluations are cited by firm and quarter: the firm's results at the community's complexes.
        self.fields["evaluation_firm"].queryset = self.fields["evaluation_firm"].queryset.filter(
            pk__in=self.evaluations.values("firm_id")).order_by("name")
        self.fields["evaluation_period"].choices = [("", _("— none —"))] + [(p, p) for p in _recent_quarters()]
        self.fields["agenda_items"].queryset = agenda
        if self.single_community is None:
            self.fields["complexes"].label_from_instance = lambda c: f"{c.community.name} · {c.name}"
        else:
            self.fields["complexes"].label_from_instance = lambda c: c.name
        if not self.is_bound:
            today = timezone.localdate()
            self.initial.setdefault("held_on", today)
            self.initial.setdefault("title", _("Joint meeting on property management, %(month)s")
                                    % {"month": f"{today:%Y-%m}"})

    def clean_cited_codes(self):
        codes = tracking_codes(self.cleaned_data["cited_codes"])
        found = {c.tracking_code: c for c in Complaint.objects.visible_to(self.user)
                 .filter(tracking_code__in=codes).select_related("complex")}
        unknown = [code for code in codes if code not in found]
        if unknown:
            raise ValidationError(_("No complaint of yours has the tracking code %(codes)s.")
                                  % {"codes": "、".join(unknown)})
        self.cleaned_data["cited_complaints"] = [found[code] for code in codes]
        return " ".join(codes)

    def clean(self):
        cleaned = super().clean()
        firm, period = cleaned.get("evaluation_firm"), cleaned.get("evaluation_period")
        cleaned["cited_evaluations"] = []
        if bool(firm) != bool(period):
            self.add_error("evaluation_period" if firm else "evaluation_firm",
                           _("Choose both the firm and the quarter of the evaluation discussed."))
        elif firm:
            community = cleaned.get("community")
            evaluations = self.evaluations.filter(firm=firm, period=period)
            if community is not None:
                evaluations = evaluations.filter(complex__community=community)
            if evaluations.exists():
                cleaned["cited_evaluations"] = [(firm, period)]
            else:
                self.add_error("evaluation_period", _("This firm has no evaluation of that quarter in the community."))
        return cleaned

    def attendees(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.cleaned_data if name.startswith("attendees_")}


def _recent_quarters(count: int = 4) -> list[str]:
    today = timezone.localdate()
    year, quarter = today.year, (today.month - 1) // 3 + 1
    periods = []
    for _step in range(count + 1):
        periods.append(f"{year}Q{quarter}")
        quarter -= 1
        if quarter == 0:
            year, quarter = year - 1, 4
    return periods


class ResolutionForm(forms.Form):
    text = forms.CharField(label=_("Resolution"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    responsible_side = forms.ChoiceField(label=_("Who does it"), required=False,
                                         choices=[("", _("— choose —"))] + ResponsibleSide.choices)
    due_on = forms.DateField(label=_("By when"), required=False, widget=DateInput(),
                             error_messages={"invalid": _("Give the date as yyyy-mm-dd.")})

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("DELETE"):
            return cleaned
        if any(cleaned.get(name) for name in ("text", "responsible_side", "due_on")):
            if not (cleaned.get("text") or "").strip():
                self.add_error("text", _("Write what was resolved, or remove the row."))
            if not cleaned.get("responsible_side"):
                self.add_error("responsible_side", _("Choose the side responsible."))
        return cleaned

    @property
    def is_filled(self) -> bool:
        return bool(self.cleaned_data and not self.cleaned_data.get("DELETE") and (self.cleaned_data.get("text") or "").strip())


class BaseResolutionFormSet(forms.BaseFormSet):
    def resolutions(self) -> list[dict]:
        return [{"text": f.cleaned_data["text"], "responsible_side": f.cleaned_data["responsible_side"],
                 "due_on": f.cleaned_data.get("due_on")} for f in self.forms if f.is_filled]


ResolutionFormSet = forms.formset_factory(ResolutionForm, formset=BaseResolutionFormSet, extra=3, can_delete=True,
                                          max_num=30, validate_max=True)


class FollowUpForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ResolutionStatus.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    completed_on = forms.DateField(label=_("Completed on"), required=False, widget=DateInput(),
                                   help_text=_("For “done”: today when left empty."),
                                   error_messages={"invalid": _("Give the date as yyyy-mm-dd.")})

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class AppointmentForm(ScopedFormMixin, forms.Form):
    complex = forms.ModelChoiceField(label=_("Residential complex"), queryset=ResidentialComplex.objects.all(),
                                     error_messages={"required": _("Choose the residential complex.")})
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices, widget=forms.RadioSelect,
                                  error_messages={"required": _("Choose which side the person comes from.")})
    person_name = forms.CharField(label=_("Person"), max_length=50,
                                  error_messages={"required": _("Give the person's name.")})
    is_party_member = forms.BooleanField(label=_("Party member"), required=False, initial=True)
    party_organization = forms.ModelChoiceField(label=_("Community party organisation"),
                                                queryset=PartyOrganization.objects.all(),
                                                error_messages={"required": _("Choose the community party organisation.")})
    firm = forms.ModelChoiceField(label=_("Property firm"), required=False, queryset=PropertyFirm.objects.all())
    owners_committee = forms.ModelChoiceField(label=_("Owners' committee"), required=False,
                                              queryset=OwnersCommittee.objects.select_related("complex"))
    home_post = forms.CharField(label=_("Post on own side"), max_length=100,
                                error_messages={"required": _("Give the person's post on their own side.")})
    appointed_post = forms.CharField(label=_("Post on the other side"), max_length=100,
                                     error_messages={"required": _("Give the post held on the other side.")})
    start_date = forms.DateField(label=_("Start date"), widget=DateInput(),
                                 error_messages={"required": _("Give the date the appointment started."),
                                                 "invalid": _("Give the date as yyyy-mm-dd.")})

    def __init__(self, *args, community=None, **kwargs):
        super().__init__(*args, **kwargs)
        if community is not None:
            for name, lookup in (("complex", "community"), ("party_organization", "community"),
                                 ("owners_committee", "complex__community")):
                self.fields[name].queryset = self.fields[name].queryset.filter(**{lookup: community})
        self.fields["party_organization"].queryset = self.fields["party_organization"].queryset.filter(
            kind__in=("community_committee", "residential_branch"))
        self.fields["firm"].queryset = self.fields["firm"].queryset.filter(
            contracts__status__in=("active", "exit_review")).distinct()
        self.fields["owners_committee"].queryset = self.fields["owners_committee"].queryset.filter(status="active")
        self.fields["owners_committee"].label_from_instance = lambda c: c.complex.name
        if not self.is_bound:
            self.initial.setdefault("start_date", timezone.localdate())


class EndAppointmentForm(forms.Form):
    end_date = forms.DateField(label=_("End date"), widget=DateInput(),
                               error_messages={"required": _("Give the date the appointment ends."),
                                               "invalid": _("Give the date as yyyy-mm-dd.")})

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("end_date", timezone.localdate())
