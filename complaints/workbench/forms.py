"""Forms of the complaint pages. They check shape and scope; complaints/services.py checks
again, because every other door calls it too."""
from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.models import ResidentialComplex
from complaints import services
from complaints.models import Category, Channel, Complaint, ReplyTemplate, Status
from complaints.portal.forms import PhotosField
from properties.models import PropertyFirm
from redproperty.workbench.forms import DateInput, ScopedFormMixin

# The ways a resident reaches staff; the portal, API and Open311 file their own complaints.
INTAKE_CHANNELS = [Channel.PHONE, Channel.WALK_IN, Channel.HOTLINE, Channel.WECHAT]
YES_NO = [("", _("Any")), ("yes", _("Yes")), ("no", _("No"))]


class QueueFilterForm(ScopedFormMixin, forms.Form):
    """The queue's filters (GET). Every field is optional; a bad value is ignored, not an error page."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Code, description or reporter")}))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any"))] + Status.choices)
    overdue = forms.ChoiceField(label=_("Overdue"), required=False, choices=YES_NO)
    due = forms.ChoiceField(label=_("Due"), required=False, choices=[("", _("Any")), ("today", _("Today"))])
    complex = forms.ModelChoiceField(label=_("Residential complex"), required=False,
                                     queryset=ResidentialComplex.objects.all(), empty_label=_("Any"))
    category = forms.ModelChoiceField(label=_("Category"), required=False, queryset=Category.objects.all(),
                                      empty_label=_("Any"))
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=[("", _("Any"))] + Channel.choices)
    submitted_after = forms.DateField(label=_("Submitted from"), required=False, widget=DateInput())
    submitted_before = forms.DateField(label=_("Submitted until"), required=False, widget=DateInput())

    def filters(self) -> dict:
        if not self.is_valid():
            return {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        return self.cleaned_data


class IntakeForm(ScopedFormMixin, forms.Form):
    """What a worker takes down from a resident who phoned or walked in."""

    complex = forms.ModelChoiceField(
        label=_("Residential complex"), queryset=ResidentialComplex.objects.select_related("community"),
        empty_label=_("— choose —"),
        error_messages={"required": _("Choose the residential complex."),
                        "invalid_choice": _("Choose one of the complexes offered.")})
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.active(), empty_label=_("— choose —"),
        error_messages={"required": _("Choose what the problem is about."),
                        "invalid_choice": _("Choose one of the categories offered.")})
    channel = forms.ChoiceField(label=_("How did the resident reach you?"), initial=Channel.PHONE,
                                choices=[(c.value, c.label) for c in INTAKE_CHANNELS])
    description = forms.CharField(label=_("What is wrong?"), max_length=services.DESCRIPTION_MAX,
                                  widget=forms.Textarea(attrs={"rows": 4}),
                                  error_messages={"required": _("Describe the problem.")})
    location_detail = forms.CharField(label=_("Where in the complex?"), max_length=200, required=False)
    reporter_name = forms.CharField(label=_("Resident's name"), max_length=50, required=False)
    reporter_phone = forms.CharField(label=_("Resident's phone"), max_length=20, required=False,
                                     widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}),
                                     help_text=_("The resident gets news by SMS and follows the complaint with its last 4 digits."))
    reporter_email = forms.EmailField(label=_("Resident's email"), required=False)
    is_anonymous = forms.BooleanField(label=_("Keep the name from the property firm"), required=False)
    photos = PhotosField(label=_("Photos"), required=False,
                         help_text=_("Up to 3 photos, JPEG, PNG or WebP, at most 5 MB each. Location data is removed."))

    def clean_reporter_phone(self):
        phone = self.cleaned_data["reporter_phone"].strip()
        if not phone:
            return ""
        try:
            return services.normalize_phone(phone)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["reporter_phone"]) from None


# ---------------------------------------------------------------------------
# Transitions: the inputs each move needs besides the complaint
# ---------------------------------------------------------------------------
class TransitionForm(forms.Form):
    """Base: the status the page showed, so a move based on a stale page is refused."""

    expected_status = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, user, complaint: Complaint, **kwargs):
        kwargs.setdefault("initial", {"expected_status": complaint.status})
        kwargs.setdefault("prefix", self.prefix_name)
        super().__init__(*args, **kwargs)
        self.user, self.complaint = user, complaint

    prefix_name = ""

    def service_kwargs(self) -> dict:
        return {}


class NoteWithTemplateMixin:
    """A note that may start from one of the category's reply templates. Without JavaScript
    the chosen template's text is the note when the note is left empty."""

    note_field = "note"

    def add_templates(self, templates):
        self.fields["reply_template"] = forms.ModelChoiceField(
            label=_("Reply template"), required=False, queryset=ReplyTemplate.objects.none(), empty_label=_("— none —"))
        self.fields["reply_template"].queryset = templates
        self.fields["reply_template"].widget.attrs["data-template-into"] = f"id_{self.prefix}-{self.note_field}"
        # The text of each option, for the browser to copy into the note.
        self.template_texts = {str(t.pk): t.text for t in templates}
        self.order_fields(["reply_template", self.note_field])

    def clean(self):
        cleaned = super().clean()
        template = cleaned.get("reply_template")
        if template is not None and not (cleaned.get(self.note_field) or "").strip():
            # The note's own "required" error stands no more: the template is the note.
            cleaned[self.note_field] = template.text
            self.errors.pop(self.note_field, None)
        return cleaned


class OptionalNoteForm(TransitionForm):
    note = forms.CharField(label=_("Note"), required=False, max_length=services.NOTE_MAX,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def service_kwargs(self):
        return {"note": self.cleaned_data["note"]}


class AcceptForm(NoteWithTemplateMixin, OptionalNoteForm):
    prefix_name = "accept"


class StartForm(OptionalNoteForm):
    prefix_name = "start"


class CloseForm(OptionalNoteForm):
    prefix_name = "close"


class ResolveForm(NoteWithTemplateMixin, TransitionForm):
    prefix_name = "resolve"
    note = forms.CharField(label=_("What was done (the resident reads this)"), max_length=services.NOTE_MAX,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": _("Say what was done; the resident reads this note.")})
    photos = PhotosField(label=_("Photos of the result"), required=False)

    def service_kwargs(self):
        return {"note": self.cleaned_data["note"], "photos": self.cleaned_data.get("photos") or []}


class ReopenForm(TransitionForm):
    prefix_name = "reopen"
    note = forms.CharField(label=_("What is still wrong?"), max_length=services.NOTE_MAX,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": _("Say what is still wrong.")})

    def service_kwargs(self):
        return {"note": self.cleaned_data["note"]}


class RejectForm(NoteWithTemplateMixin, TransitionForm):
    prefix_name = "reject"
    note_field = "reason"
    reason = forms.CharField(label=_("Reason (the resident reads it)"), max_length=services.NOTE_MAX,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": _("Give the reason for rejecting the complaint.")})

    def service_kwargs(self):
        return {"reason": self.cleaned_data["reason"]}


class DuplicateForm(TransitionForm):
    """The original: one of the suggested complaints, or any other by its tracking code."""

    prefix_name = "duplicate"
    suggested = forms.ModelChoiceField(label=_("Same complex and category within 7 days"), required=False,
                                       queryset=Complaint.objects.none(), widget=forms.RadioSelect, empty_label=None)
    code = forms.CharField(label=_("…or the tracking code of the original"), required=False, max_length=12)

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        visible = Complaint.objects.visible_to(self.user)
        self.fields["suggested"].queryset = visible.filter(pk__in=[c.pk for c in candidates])
        self.fields["suggested"].label_from_instance = lambda c: f"{c.tracking_code} · {timezone.localtime(c.submitted_at):%Y-%m-%d} · {c.description[:40]}"
        if not candidates:
            del self.fields["suggested"]
            self.fields["code"].label = _("Tracking code of the original")

    def clean(self):
        cleaned = super().clean()
        original = cleaned.get("suggested")
        code = (cleaned.get("code") or "").strip().upper()
        if original is None and code:
            if len(code) == 9 and "-" not in code:
                code = f"{code[:4]}-{code[4:]}"
            original = Complaint.objects.visible_to(self.user).filter(tracking_code=code).first()
            if original is None:
                self.add_error("code", _("No complaint of yours has this tracking code."))
        elif original is None:
            self.add_error("code", _("Choose the original complaint or type its tracking code."))
        cleaned["original"] = original
        return cleaned

    def service_kwargs(self):
        return {"original": self.cleaned_data["original"]}


class ReassignForm(TransitionForm):
    prefix_name = "reassign"
    firm = forms.ModelChoiceField(label=_("Property firm"), required=False, queryset=PropertyFirm.objects.none(),
                                  empty_label=_("— the complex's community —"),
                                  help_text=_("Leave empty to hand the complaint to the complex's community."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["firm"].queryset = PropertyFirm.objects.visible_to(self.user).exclude(status="withdrawn")

    def service_kwargs(self):
        return {"firm": self.cleaned_data["firm"]}


class EscalateForm(TransitionForm):
    prefix_name = "escalate"


class BulkAcceptForm(forms.Form):
    complaints = forms.ModelMultipleChoiceField(
        label=_("Complaints"), queryset=Complaint.objects.none(),
        error_messages={"required": _("Tick the complaints to accept.")})

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["complaints"].queryset = queryset


class ReplyTemplateForm(ScopedFormMixin, forms.Form):
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.active(),
                                      empty_label=_("— choose —"),
                                      error_messages={"required": _("Choose the category the reply is for.")})
    title = forms.CharField(label=_("Title"), max_length=80,
                            error_messages={"required": _("Give the template a short title.")})
    text = forms.CharField(label=_("Reply"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
                           error_messages={"required": _("Write the reply.")})
