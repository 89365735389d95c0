"""The input forms of the red-project application moves (partybranches/services.py,
APPLICATION), shared by the admin (the district's review, designation and recommendation) and
the workbench (the community's application and withdrawal)."""
from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.models import Community, ResidentialComplex
from properties.models import PropertyFirm
from redproperty.workflow_forms import StepForm

from . import services
from .models import REVIEW_CRITERIA

DATE = {"type": "date"}


class ApplicationSubmitForm(StepForm):
    community = forms.ModelChoiceField(label=_("community"), queryset=Community.objects.none(),
                                       error_messages={"required": _("Choose the community.")})
    complex = forms.ModelChoiceField(label=_("residential complex"), queryset=ResidentialComplex.objects.none(),
                                     required=False)
    firm = forms.ModelChoiceField(label=_("property firm"), queryset=PropertyFirm.objects.none(), required=False,
                                  help_text=_("When the firm applies; otherwise the complex."))
    name = forms.CharField(label=_("project name"), max_length=100,
                           error_messages={"required": _("Give the project a name.")})
    summary = forms.CharField(label=_("what the project has done"), max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 5}),
                              error_messages={"required": _("Say what the project has done.")})
    materials = forms.CharField(label=_("materials submitted"), max_length=2000,
                                widget=forms.Textarea(attrs={"rows": 3}),
                                help_text=_("One per line: reports, photos, minutes, survey results."),
                                error_messages={"required": _("List the materials submitted, one per line.")})
    submitted_on = forms.DateField(label=_("applied on"), widget=forms.DateInput(attrs=DATE))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("submitted_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        user = self.request.user
        self.fields["community"].queryset = Community.objects.visible_to(user)
        self.fields["complex"].queryset = ResidentialComplex.objects.visible_to(user).select_related("community")
        self.fields["firm"].queryset = PropertyFirm.objects.visible_to(user)

    def run(self, *, actor, expected_status):
        data = self.cleaned_data
        return services.application_submit(
            actor=actor, community=data["community"], complex=data["complex"], firm=data["firm"], name=data["name"],
            summary=data["summary"], materials=data["materials"], submitted_on=data["submitted_on"])


class ReviewForm(StepForm):
    reviewed_on = forms.DateField(label=_("reviewed on"), widget=forms.DateInput(attrs=DATE))
    note = forms.CharField(label=_("review opinion"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, label, maximum in REVIEW_CRITERIA:
            self.fields[f"score_{code}"] = forms.IntegerField(
                label=_("%(criterion)s (0–%(max)d)") % {"criterion": label, "max": maximum},
                min_value=0, max_value=maximum)

    def run(self, *, actor, expected_status):
        data = self.cleaned_data
        scores = {code: data[f"score_{code}"] for code, _label, _max in REVIEW_CRITERIA}
        return services.application_review(application=self.record, actor=actor, expected_status=expected_status,
                                           reviewed_on=data["reviewed_on"], scores=scores, note=data["note"])


class DesignateForm(StepForm):
    designated_on = forms.DateField(label=_("designated on"), widget=forms.DateInput(attrs=DATE))
    note = forms.CharField(label=_("note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def run(self, *, actor, expected_status):
        return services.application_designate(application=self.record, actor=actor, expected_status=expected_status,
                                              designated_on=self.cleaned_data["designated_on"],
                                              note=self.cleaned_data["note"])


class RecommendForm(StepForm):
    recommended_on = forms.DateField(label=_("recommended to the city on"), widget=forms.DateInput(attrs=DATE))
    note = forms.CharField(label=_("note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def run(self, *, actor, expected_status):
        return services.application_recommend(application=self.record, actor=actor, expected_status=expected_status,
                                              recommended_on=self.cleaned_data["recommended_on"],
                                              note=self.cleaned_data["note"])


class ReasonForm(StepForm):
    reason = forms.CharField(label=_("reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    service = None

    def run(self, *, actor, expected_status):
        return type(self).service(application=self.record, actor=actor, expected_status=expected_status,
                                  reason=self.cleaned_data["reason"])


class RejectForm(ReasonForm):
    service = staticmethod(services.application_reject)


class WithdrawForm(ReasonForm):
    service = staticmethod(services.application_withdraw)
