"""Forms of the firm exit and replacement steps, shared by the admin and the workbench: each
validates its input and its `run()` calls the service in properties/services.py."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from redproperty.workflow_forms import StepForm

from . import services
from .models import ContractStatus, ExitDecision, HandoverItemKind, HandoverSide, PropertyFirm, ServiceContract
from .models import SuccessorKind


def _date(label):
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}))


def _note(label=_("note"), required=False):
    return forms.CharField(label=label, required=required, widget=forms.Textarea(attrs={"rows": 2}))


class ExitOpenForm(StepForm):
    contract = forms.ModelChoiceField(label=_("outgoing contract"), queryset=ServiceContract.objects.none())
    opened_on = _date(_("opened on"))
    note = _note()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = (ServiceContract.objects.visible_to(self.request.user)
                                            .filter(status=ContractStatus.EXIT_REVIEW).select_related("firm", "complex"))

    def run(self, *, actor, expected_status):
        data = self.cleaned_data
        return services.exit_open(actor=actor, contract=data["contract"], opened_on=data["opened_on"], note=data["note"])


class DecideForm(StepForm):
    decided_on = _date(_("decided on"))
    decision = forms.ChoiceField(label=_("decision"), choices=ExitDecision.choices, widget=forms.RadioSelect)
    note = _note(_("the joint meeting's decision"), required=True)

    def run(self, *, actor, expected_status):
        data = self.cleaned_data
        return services.exit_decide(exit=self.record, actor=actor, expected_status=expected_status,
                                    decided_on=data["decided_on"], decision=data["decision"], note=data["note"])


class ChooseSuccessorForm(StepForm):
    chosen_on = _date(_("successor chosen on"))
    successor_kind = forms.ChoiceField(label=_("successor"), choices=SuccessorKind.choices, widget=forms.RadioSelect)
    successor_firm = forms.ModelChoiceField(label=_("incoming firm"), queryset=PropertyFirm.objects.none(),
                                            required=False)
    interim_manager = forms.CharField(label=_("interim manager"), max_length=100, required=False)
    note = _note(_("how the successor was chosen"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any registered firm may take over, serving in this jurisdiction yet or not.
        self.fields["successor_firm"].queryset = PropertyFirm.objects.exclude(pk=self.record.contract.firm_id)

    def run(self, *, actor, expected_status):
        data = self.cleaned_data
        return services.exit_choose_successor(
            exit=self.record, actor=actor, expected_status=expected_status, chosen_on=data["chosen_on"],
            successor_kind=data["successor_kind"], successor_firm=data["successor_firm"],
            interim_manager=data["interim_manager"], note=data["note"])


class CheckItemsForm(StepForm):
    """One row per checklist line: handed over or not, what, and (fee arrears) the amount."""

    def __init__(self, *args, record, **kwargs):
        super().__init__(*args, record=record, **kwargs)
        self.lines = list(record.items.all())
        for line in self.lines:
            label = line.get_kind_display()
            self.fields[f"done_{line.kind}"] = forms.BooleanField(
                label=_("%(item)s: handed over") % {"item": label}, required=False, initial=line.is_done)
            self.fields[f"detail_{line.kind}"] = forms.CharField(
                label=_("%(item)s: detail") % {"item": label}, required=False, max_length=200, initial=line.detail)
            if line.kind == HandoverItemKind.FEE_ARREARS:
                self.fields["amount_fee_arrears"] = forms.DecimalField(
                    label=_("fee arrears handed over (yuan)"), required=False, min_value=0, max_digits=12,
                    decimal_places=2, initial=line.amount)

    def run(self, *, actor, expected_status):
        data = self.cleaned_data
        items = {line.kind: {"is_done": data[f"done_{line.kind}"], "detail": data[f"detail_{line.kind}"],
                             "amount": data.get(f"amount_{line.kind}")} for line in self.lines}
        return services.exit_check_items(exit=self.record, actor=actor, expected_status=expected_status, items=items)


class SignForm(StepForm):
    side = forms.ChoiceField(label=_("who signs"), choices=HandoverSide.choices)
    signed_on = _date(_("signed on"))
    note = _note()

    def __init__(self, *args, record, **kwargs):
        super().__init__(*args, record=record, **kwargs)
        self.fields["side"].choices = [(side, label) for side, label in HandoverSide.choices
                                       if getattr(record, f"{side}_signed_on") is None]

    def run(self, *, actor, expected_status):
        data = self.cleaned_data
        return services.exit_sign(exit=self.record, actor=actor, expected_status=expected_status, side=data["side"],
                                  signed_on=data["signed_on"], note=data["note"])


class RecordContractForm(StepForm):
    firm = forms.ModelChoiceField(label=_("property firm"), queryset=PropertyFirm.objects.none(), required=False,
                                  help_text=_("After interim management: the firm the owners chose. "
                                              "Otherwise leave empty: the incoming firm."))
    start_date = _date(_("start date"))
    end_date = forms.DateField(label=_("end date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    fee_standard = forms.DecimalField(label=_("fee standard (yuan/m²/month)"), min_value=0, max_digits=6,
                                      decimal_places=2)
    filed_on = forms.DateField(label=_("filed on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, record, **kwargs):
        super().__init__(*args, record=record, **kwargs)
        self.fields["firm"].queryset = PropertyFirm.objects.exclude(pk=record.contract.firm_id)

    def run(self, *, actor, expected_status):
        data = self.cleaned_data
        return services.exit_record_contract(
            exit=self.record, actor=actor, expected_status=expected_status, firm=data["firm"],
            start_date=data["start_date"], end_date=data["end_date"], fee_standard=data["fee_standard"],
            filed_on=data["filed_on"])


class ExitCancelForm(StepForm):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def run(self, *, actor, expected_status):
        return services.exit_cancel(exit=self.record, actor=actor, expected_status=expected_status,
                                    reason=self.cleaned_data["reason"])
