"""Forms of the residents' portal. They check input shape for the resident's sake; the
services check it again, because the API and the admin call them too."""
from __future__ import annotations

import hmac

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from communities.models import ResidentialComplex
from complaints.models import TRACKING_ALPHABET, TRACKING_CHARS, Category
from complaints.photos import check_photo, clean_photo
from complaints.services import DESCRIPTION_MAX, MAX_PHOTOS, normalize_phone


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


def _each_photo(files, gate) -> list:
    """`gate(upload)` for each photo; every refusal collected as "Photo N: ...". """
    results, errors = [], []
    for number, upload in enumerate(files, start=1):
        try:
            results.append(gate(upload))
        except ValidationError as exc:
            errors.extend(
                ValidationError(_("Photo %(number)d: %(problem)s") % {"number": number, "problem": message})
                for message in exc.messages
            )
    if errors:
        raise ValidationError(errors)
    return results


def reencode_photos(files) -> list:
    """The photos re-encoded by complaints.photos.clean_photo (this decodes their pixels);
    raises ValidationError with one "Photo N: ..." message per refusal."""
    return _each_photo(files, clean_photo)


class PhotosField(forms.FileField):
    """Up to MAX_PHOTOS photos; each comes back re-encoded by complaints.photos.clean_photo.

    With `reencode=False` the field only checks each photo's size and header (no pixel
    decoded) and returns the uploads; the view re-encodes them with `reencode_photos` once
    it has counted the request against the rate limits (the portal)."""

    widget = MultiplePhotoInput(attrs={"accept": "image/jpeg,image/png,image/webp"})

    def __init__(self, *args, reencode: bool = True, **kwargs):
        self.reencode = reencode
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]
        if len(files) > MAX_PHOTOS:
            raise ValidationError(_("You can send at most %(max)d photos.") % {"max": MAX_PHOTOS}, code="too_many")
        _each_photo(files, check_photo)
        return reencode_photos(files) if self.reencode else files


class ComplaintForm(forms.Form):
    """A resident's report. `complex` is rendered by the template as grouped options (see
    views.place_lists); the field here only checks the chosen id."""

    complex = forms.ModelChoiceField(
        label=_("Residential complex"),
        queryset=ResidentialComplex.objects.all(),
        error_messages={"required": _("Choose your residential complex."),
                        "invalid_choice": _("Choose your residential complex from the list.")},
    )
    category = forms.ModelChoiceField(
        label=_("What is it about?"),
        queryset=Category.objects.active(),
        empty_label=_("— choose —"),
        error_messages={"required": _("Choose what the problem is about.")},
    )
    description = forms.CharField(
        label=_("Describe the problem"),
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        # format_lazy: translated per request, not once at import.
        help_text=format_lazy(_("At most {max} characters."), max=DESCRIPTION_MAX),
    )
    location_detail = forms.CharField(
        label=_("Where in the complex? (optional)"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. building 5, unit 2, 3rd floor stairwell")}),
    )
    reporter_name = forms.CharField(label=_("Your name (optional)"), max_length=50, required=False,
                                    widget=forms.TextInput(attrs={"autocomplete": "name"}))
    reporter_phone = forms.CharField(
        label=_("Your phone (optional)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("With a phone number you get news by SMS, and you can see the details of your report "
                    "with the last 4 digits."),
    )
    reporter_email = forms.EmailField(label=_("Your email (optional)"), required=False,
                                      widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    photos = PhotosField(
        label=_("Photos (optional)"),
        required=False,
        reencode=False,  # the view re-encodes them after counting the rate limits
        help_text=_("Up to 3 photos, JPEG, PNG or WebP, at most 5 MB each. Location data is removed."),
    )
    is_anonymous = forms.BooleanField(
        label=_("Keep my name from the property firm"),
        required=False,
        help_text=_("Only the community sees your name."),
    )
    # The honeypot: hidden from people by CSS, filled in by form-filling robots.
    website = forms.CharField(label=_("Leave this field empty"), required=False,
                              widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))

    def clean_reporter_phone(self):
        phone = self.cleaned_data["reporter_phone"].strip()
        if not phone:
            return ""
        try:
            return normalize_phone(phone)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["reporter_phone"]) from None

    @property
    def is_robot(self) -> bool:
        return bool(self.data.get("website"))


def normalize_tracking_code(raw: str) -> str:
    """`7k4m q2xpa`, `7K4MQ2XPA` → `7K4M-Q2XPA`; anything that cannot be a code → ""."""
    symbols = "".join(ch for ch in (raw or "").upper() if ch.isalnum())
    if len(symbols) != TRACKING_CHARS or any(ch not in TRACKING_ALPHABET for ch in symbols):
        return ""
    return f"{symbols[:4]}-{symbols[4:]}"


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off",
                                      "spellcheck": "false", "placeholder": "7K4M-Q2XPA"}),
    )
    phone_tail = forms.CharField(
        label=_("Last 4 digits of your phone"),
        max_length=4,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]*"}),
        help_text=_("Leave empty if you gave no phone number."),
    )

    def clean_code(self):
        return normalize_tracking_code(self.cleaned_data["code"])

    def clean_phone_tail(self):
        return "".join(ch for ch in self.cleaned_data["phone_tail"] if ch.isdigit())


def tail_matches(complaint, tail: str) -> bool:
    """Whether `tail` is the last 4 digits of the reporter's phone (constant-time compare)."""
    expected = complaint.phone_tail
    return bool(expected) and hmac.compare_digest(expected.encode(), tail.encode())


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How satisfied are you with the result?"),
        choices=[(5, _("5 – very satisfied")), (4, _("4 – satisfied")), (3, _("3 – so-so")),
                 (2, _("2 – dissatisfied")), (1, _("1 – very dissatisfied"))],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a rating from 1 to 5.")},
    )
    comment = forms.CharField(label=_("Comment (optional)"), max_length=1000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))


class ReopenForm(forms.Form):
    note = forms.CharField(label=_("What is still wrong?"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": _("Say what is still wrong.")})
