"""The input forms of the referral moves (complaints/services.py, REFERRAL), shared by the
admin (redproperty/workflow_admin.py) and the workbench."""
from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from redproperty.workflow_forms import StepForm

from . import services
from .models import Complaint, Department, ReferralMatter

DATE = {"type": "date"}


class ReferralOpenForm(StepForm):
    complaint = forms.ModelChoiceField(label=_("complaint"), queryset=Complaint.objects.none(),
                                       error_messages={"required": _("Choose the complaint to refer.")})
    department = forms.ModelChoiceField(label=_("department"), queryset=Department.objects.none(),
                                        error_messages={"required": _("Choose a department that takes referrals.")})
    matter = forms.ChoiceField(label=_("matter"), choices=[("", "---------"), *ReferralMatter.choices],
                               error_messages={"required": _("Choose what kind of matter this is.")})
    summary = forms.CharField(label=_("what is referred"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                              error_messages={"required": _("Say what the department is asked to take up.")})
    referred_on = forms.DateField(label=_("referred on"), widget=forms.DateInput(attrs=DATE))
    due_on = forms.DateField(label=_("reply due on"), required=False, widget=forms.DateInput(attrs=DATE),
                             help_text=_("Leave empty for the department's reply time limit."))
    note = forms.CharField(label=_("note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, complaint=None, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("referred_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.active()
        if complaint is not None:
            del self.fields["complaint"]
            self.fixed_complaint = complaint
        else:
            self.fixed_complaint = None
            self.fields["complaint"].queryset = Complaint.objects.visible_to(self.request.user).open().select_related(
                "complex", "category")
            self.fields["complaint"].label_from_instance = lambda c: c.label

    def run(self, *, actor, expected_status):
        data = self.cleaned_data
        return services.referral_open(
            actor=actor, complaint=self.fixed_complaint or data["complaint"], department=data["department"],
            matter=data["matter"], summary=data["summary"], referred_on=data["referred_on"],
            due_on=data["due_on"], note=data["note"])


class AcknowledgeForm(StepForm):
    acknowledged_on = forms.DateField(label=_("received by the department on"), widget=forms.DateInput(attrs=DATE))
    department_reference = forms.CharField(label=_("department's reference"), required=False, max_length=50)
    note = forms.CharField(label=_("note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def run(self, *, actor, expected_status):
        data = self.cleaned_data
        return services.referral_acknowledge(
            referral=self.record, actor=actor, expected_status=expected_status,
            acknowledged_on=data["acknowledged_on"], department_reference=data["department_reference"],
            note=data["note"])


class ExtendForm(StepForm):
    due_on = forms.DateField(label=_("new reply deadline"), widget=forms.DateInput(attrs=DATE))
    reason = forms.CharField(label=_("reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": _("Say why the department gets more time.")})

    def run(self, *, actor, expected_status):
        data = self.cleaned_data
        return services.referral_extend(referral=self.record, actor=actor, expected_status=expected_status,
                                        due_on=data["due_on"], reason=data["reason"])


class ReplyForm(StepForm):
    replied_on = forms.DateField(label=_("replied on"), widget=forms.DateInput(attrs=DATE))
    reply = forms.CharField(label=_("department's reply"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
                            error_messages={"required": _("Enter the department's reply.")})

    def run(self, *, actor, expected_status):
        data = self.cleaned_data
        return services.referral_reply(referral=self.record, actor=actor, expected_status=expected_status,
                                       replied_on=data["replied_on"], reply=data["reply"])


class WithdrawForm(StepForm):
    reason = forms.CharField(label=_("reason for withdrawing"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": _("Say why the referral is withdrawn.")})

    def run(self, *, actor, expected_status):
        return services.referral_withdraw(referral=self.record, actor=actor, expected_status=expected_status,
                                          reason=self.cleaned_data["reason"])


STEP_FORMS = {
    "acknowledge": AcknowledgeForm,
    "extend": ExtendForm,
    "reply": ReplyForm,
    "withdraw": WithdrawForm,
}
