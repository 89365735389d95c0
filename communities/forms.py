"""Forms of the committee election steps, shared by the admin and the workbench: each
validates its input and its `run()` calls the service in communities/services.py."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from redproperty.workflow_forms import StepForm

from . import services
from .models import GroupSide, MemberRole, ResidentialComplex


class GroupMemberRow(forms.Form):
    name = forms.CharField(label=_("name"), max_length=50)
    # A blank first choice, so that an untouched spare row is left out rather than refused.
    side = forms.ChoiceField(label=_("side"), choices=[("", "---------"), *GroupSide.choices])
    post = forms.CharField(label=_("post"), max_length=100, required=False)
    is_leader = forms.BooleanField(label=_("group leader"), required=False)
    is_party_member = forms.BooleanField(label=_("party member"), required=False)


class CandidateRow(forms.Form):
    name = forms.CharField(label=_("name"), max_length=50)
    role = forms.ChoiceField(label=_("proposed role"), choices=MemberRole.choices, initial=MemberRole.MEMBER)
    is_party_member = forms.BooleanField(label=_("party member"), required=False)


def rows_formset(form_class, *, extra: int, title):
    formset = forms.formset_factory(form_class, extra=extra)
    formset.title = title
    return formset


class ElectionOpenForm(StepForm):
    complex = forms.ModelChoiceField(label=_("residential complex"), queryset=ResidentialComplex.objects.none())
    formed_on = forms.DateField(label=_("preparatory group formed on"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    formset_class = rows_formset(GroupMemberRow, extra=5, title=_("Preparatory group"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["complex"].queryset = ResidentialComplex.objects.visible_to(self.request.user).select_related(
            "community")

    def run(self, *, actor, expected_status):
        data = self.cleaned_data
        return services.election_open(actor=actor, complex=data["complex"], formed_on=data["formed_on"],
                                      note=data["note"], group_members=self.rows())


class ConveneForm(StepForm):
    meeting_on = forms.DateField(label=_("general meeting on"), widget=forms.DateInput(attrs={"type": "date"}))
    seats = forms.TypedChoiceField(label=_("seats"), coerce=int, choices=[(n, n) for n in (5, 7, 9, 11)], initial=5)
    owners_total = forms.IntegerField(label=_("owners in total"), min_value=1)
    area_total = forms.DecimalField(label=_("exclusive floor area in total (m²)"), min_value=0, max_digits=12,
                                    decimal_places=2)
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    formset_class = rows_formset(CandidateRow, extra=7, title=_("Candidates"))

    def __init__(self, *args, record, **kwargs):
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("owners_total", record.owners_total or record.complex.households or None)
        initial.setdefault("area_total", record.area_total or record.complex.floor_area or None)
        super().__init__(*args, record=record, **kwargs)

    def run(self, *, actor, expected_status):
        data = self.cleaned_data
        return services.election_convene(
            election=self.record, actor=actor, expected_status=expected_status, meeting_on=data["meeting_on"],
            seats=data["seats"], owners_total=data["owners_total"], area_total=data["area_total"],
            candidates=self.rows(), note=data["note"],
        )


class RecordResultForm(StepForm):
    """The turnout, then two figures per candidate: owners and floor area voting for them."""

    voted_on = forms.DateField(label=_("vote held on"), widget=forms.DateInput(attrs={"type": "date"}))
    owners_voting = forms.IntegerField(label=_("owners who voted"), min_value=0)
    area_voting = forms.DecimalField(label=_("floor area of those who voted (m²)"), min_value=0, max_digits=12,
                                     decimal_places=2)

    def __init__(self, *args, record, **kwargs):
        super().__init__(*args, record=record, **kwargs)
        self.candidates = list(record.candidates.all())
        for c in self.candidates:
            self.fields[f"owners_{c.pk}"] = forms.IntegerField(
                label=_("%(name)s: owners for") % {"name": c.name}, min_value=0)
            self.fields[f"area_{c.pk}"] = forms.DecimalField(
                label=_("%(name)s: floor area for (m²)") % {"name": c.name}, min_value=0, max_digits=12,
                decimal_places=2)

    def run(self, *, actor, expected_status):
        data = self.cleaned_data
        votes = {c.pk: {"owners": data[f"owners_{c.pk}"], "area": data[f"area_{c.pk}"]} for c in self.candidates}
        return services.election_record_result(
            election=self.record, actor=actor, expected_status=expected_status, voted_on=data["voted_on"],
            owners_voting=data["owners_voting"], area_voting=data["area_voting"], votes=votes,
        )


class FileForm(StepForm):
    filed_on = forms.DateField(label=_("filed on"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def run(self, *, actor, expected_status):
        return services.election_file(election=self.record, actor=actor, expected_status=expected_status,
                                      filed_on=self.cleaned_data["filed_on"], note=self.cleaned_data["note"])


class CancelForm(StepForm):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def run(self, *, actor, expected_status):
        return services.election_cancel(election=self.record, actor=actor, expected_status=expected_status,
                                        reason=self.cleaned_data["reason"])


# ---------------------------------------------------------------------------
# Mediation of disputes: the steps' forms, shared by the workbench and the admin
# ---------------------------------------------------------------------------
from django.apps import apps  # noqa: E402

from .models import PartySide  # noqa: E402


def _day(label):
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}))


class PartyRow(forms.Form):
    name = forms.CharField(label=_("name"), max_length=100)
    side = forms.ChoiceField(label=_("side"), choices=[("", "---------"), *PartySide.choices])


class MediationOpenForm(StepForm):
    complex = forms.ModelChoiceField(label=_("residential complex"), queryset=ResidentialComplex.objects.none())
    subject = forms.CharField(label=_("subject"), max_length=200)
    description = forms.CharField(label=_("what the dispute is about"), widget=forms.Textarea(attrs={"rows": 3}))
    opened_on = _day(_("taken in on"))
    mediator = forms.CharField(label=_("mediator"), max_length=50)
    mediator_post = forms.CharField(label=_("mediator's post"), max_length=100, required=False)
    complaints = forms.CharField(label=_("linked complaints"), required=False, max_length=500,
                                 help_text=_("Tracking codes of the complaints the dispute grew from, separated by spaces."))
    formset_class = rows_formset(PartyRow, extra=3, title=_("Parties"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["complex"].queryset = ResidentialComplex.objects.visible_to(self.request.user).select_related(
            "community")

    def clean_complaints(self):
        """The complaints named by tracking code; a code out of scope is unknown, as a missing one."""
        codes = [c.strip().upper() for c in self.cleaned_data["complaints"].replace("，", " ").replace(",", " ").split()]
        complaint = apps.get_model("complaints", "Complaint")
        found = list(complaint.objects.visible_to(self.request.user).filter(tracking_code__in=codes))
        unknown = sorted(set(codes) - {c.tracking_code for c in found})
        if unknown:
            raise forms.ValidationError(_("No complaint with the tracking code %(codes)s here.")
                                        % {"codes": "、".join(unknown)})
        return found

    def run(self, *, actor, expected_status):
        data = self.cleaned_data
        return services.mediation_open(
            actor=actor, complex=data["complex"], subject=data["subject"], description=data["description"],
            opened_on=data["opened_on"], mediator=data["mediator"], mediator_post=data["mediator_post"],
            complaints=data["complaints"], parties=self.rows())


class SessionForm(StepForm):
    held_on = _day(_("held on"))
    summary = forms.CharField(label=_("summary"), widget=forms.Textarea(attrs={"rows": 3}))

    def run(self, *, actor, expected_status):
        return services.mediation_hold_session(case=self.record, actor=actor, expected_status=expected_status,
                                               held_on=self.cleaned_data["held_on"],
                                               summary=self.cleaned_data["summary"])


class AgreementForm(StepForm):
    agreed_on = _day(_("agreed on"))
    agreement = forms.CharField(label=_("agreement"), widget=forms.Textarea(attrs={"rows": 3}))
    follow_up_on = forms.DateField(label=_("follow-up on"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))

    def run(self, *, actor, expected_status):
        data = self.cleaned_data
        return services.mediation_record_agreement(case=self.record, actor=actor, expected_status=expected_status,
                                                   agreed_on=data["agreed_on"], agreement=data["agreement"],
                                                   follow_up_on=data["follow_up_on"])


class FollowUpForm(StepForm):
    checked_on = _day(_("checked on"))
    honoured = forms.BooleanField(label=_("the agreement is honoured"), required=False)
    note = forms.CharField(label=_("follow-up"), widget=forms.Textarea(attrs={"rows": 3}))

    def run(self, *, actor, expected_status):
        data = self.cleaned_data
        return services.mediation_follow_up(case=self.record, actor=actor, expected_status=expected_status,
                                            checked_on=data["checked_on"], honoured=data["honoured"],
                                            note=data["note"])


class CloseFailedForm(StepForm):
    closed_on = _day(_("closed on"))
    outcome = forms.CharField(label=_("outcome"), widget=forms.Textarea(attrs={"rows": 3}))

    def run(self, *, actor, expected_status):
        return services.mediation_close_failed(case=self.record, actor=actor, expected_status=expected_status,
                                               closed_on=self.cleaned_data["closed_on"],
                                               outcome=self.cleaned_data["outcome"])


class WithdrawForm(StepForm):
    closed_on = _day(_("closed on"))
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def run(self, *, actor, expected_status):
        return services.mediation_withdraw(case=self.record, actor=actor, expected_status=expected_status,
                                           closed_on=self.cleaned_data["closed_on"],
                                           reason=self.cleaned_data["reason"])
