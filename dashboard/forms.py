"""Forms of the dashboard: the complaint filters and the Excel import upload."""
from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from communities.models import Community, Subdistrict
from complaints.models import Category, Channel, Status


class FastSelect(forms.Select):
    """A <select> written in one pass: Django renders each option through a template, which
    takes a noticeable part of a second for the hundreds of communities of a district."""

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        selected = set(self.format_value(value))
        options = format_html_join("", "<option value=\"{}\"{}>{}</option>", (
            (str(key), mark_safe(" selected") if str(key) in selected else "", label) for key, label in self.choices))
        return format_html("<select{}>{}</select>", flatatt(final_attrs), options)


class ComplaintFilterForm(forms.Form):
    """Filters of the complaints list and export; place choices are those the user may see."""

    subdistrict = forms.ModelChoiceField(Subdistrict.objects.none(), required=False, label=_("subdistrict"),
                                         widget=FastSelect)
    community = forms.ModelChoiceField(Community.objects.none(), required=False, label=_("community"),
                                       widget=FastSelect)
    complex = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    status = forms.ChoiceField(choices=[("", _("All"))] + Status.choices, required=False, label=_("status"))
    category = forms.ModelChoiceField(Category.objects.all(), required=False, label=_("category"))
    channel = forms.ChoiceField(choices=[("", _("All"))] + Channel.choices, required=False, label=_("channel"))
    submitted_after = forms.DateField(required=False, label=_("Submitted from"),
                                      widget=forms.DateInput(attrs={"type": "date"}))
    submitted_before = forms.DateField(required=False, label=_("Submitted until"),
                                       widget=forms.DateInput(attrs={"type": "date"}))
    overdue = forms.ChoiceField(choices=[("", _("All")), ("yes", _("Overdue now")), ("no", _("Not overdue"))],
                                required=False, label=_("Overdue now"))

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subdistrict"].queryset = Subdistrict.objects.visible_to(user).order_by("code")
        self.fields["community"].queryset = Community.objects.visible_to(user).order_by("code")

    def filters(self) -> dict:
        """The valid filters as plain values (ids, codes, ISO dates) for the export's query string."""
        if not self.is_valid():
            return {}
        data, result = self.cleaned_data, {}
        for key in ("subdistrict", "community", "category"):
            if data.get(key):
                result[key] = data[key].pk
        for key in ("complex", "status", "channel", "overdue"):
            if data.get(key):
                result[key] = data[key]
        for key in ("submitted_after", "submitted_before"):
            if data.get(key):
                result[key] = data[key].isoformat()
        return result


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"), help_text=_("Fill in the template; at most 5 MB."))

    MAX_BYTES = 5 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Choose an Excel file ending in .xlsx."))
        return upload
