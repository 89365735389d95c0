"""Forms of the owners' committee pages: the committee and its members in one form."""
from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communities.models import MemberRole, OwnersCommittee, ResidentialComplex
from redproperty.workbench.forms import DateInput, ScopedFormMixin

DATE_ERRORS = {"invalid": _("Give the date as yyyy-mm-dd.")}


class CommitteeForm(ScopedFormMixin, forms.Form):
    complex = forms.ModelChoiceField(label=_("Residential complex"), queryset=ResidentialComplex.objects.all(),
                                     error_messages={"required": _("Choose the residential complex.")})
    term_start = forms.DateField(label=_("Term start"), widget=DateInput(),
                                 error_messages={"required": _("Give the date the term starts."), **DATE_ERRORS})
    term_end = forms.DateField(label=_("Term end"), widget=DateInput(),
                               error_messages={"required": _("Give the date the term ends."), **DATE_ERRORS})
    filed_on = forms.DateField(label=_("Filed on"), required=False, widget=DateInput(), error_messages=DATE_ERRORS,
                               help_text=_("Date of filing (备案) with the subdistrict."))

    def __init__(self, *args, community=None, fixed_complex=None, **kwargs):
        super().__init__(*args, **kwargs)
        if community is not None:
            self.fields["complex"].queryset = self.fields["complex"].queryset.filter(community=community)
        if fixed_complex is not None:
            del self.fields["complex"]
            self.fixed_complex = fixed_complex


class MemberForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("person", "Name"), required=False, max_length=50)
    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices, initial=MemberRole.MEMBER)
    is_party_member = forms.BooleanField(label=_("Party member"), required=False)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=20)

    @property
    def is_filled(self) -> bool:
        return bool(self.cleaned_data and not self.cleaned_data.get("DELETE") and (self.cleaned_data.get("name") or "").strip())


class BaseMemberFormSet(forms.BaseFormSet):
    def members(self) -> list[dict]:
        return [{"name": f.cleaned_data["name"].strip(), "role": f.cleaned_data["role"],
                 "is_party_member": f.cleaned_data["is_party_member"], "phone": f.cleaned_data["phone"].strip()}
                for f in self.forms if f.is_filled]

    def clean(self):
        if any(self.errors):
            return
        if not self.members():
            raise ValidationError(_("List the committee's members, one per row."))


MemberFormSet = forms.formset_factory(MemberForm, formset=BaseMemberFormSet, extra=0, can_delete=True,
                                      max_num=OwnersCommittee.MAX_MEMBERS + 4)


def member_formset(data=None, *, members=(), rows: int = 7):
    """The member rows: the given members and empty rows up to `rows` (at least one empty)."""
    initial = [{"name": m.name, "role": m.role, "is_party_member": m.is_party_member, "phone": m.phone} for m in members]
    formset_class = forms.formset_factory(MemberForm, formset=BaseMemberFormSet,
                                          extra=max(1, rows - len(initial)), can_delete=True,
                                          max_num=OwnersCommittee.MAX_MEMBERS + 4)
    return formset_class(data, initial=initial or None, prefix="members")
