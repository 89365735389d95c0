"""PIPL: the audit of every reveal and export of personal data, and phone numbers as the key
to a person's data.

- `record_access` writes one PersonalDataAccess row; the services that reveal or export call
  it inside their own transaction, so there is no reveal or export without its row.
- `parse_phone` turns what staff type into one canonical number (E.164, `+8613812345678`) or
  refuses it with a Chinese message; `phone_hash` is the keyed hash the audit stores in place
  of the number, and `same_phone` compares a stored free-form number with a canonical one.

Nothing here imports the apps: records are passed in, and their kind is read from `_meta`.
"""
from __future__ import annotations

import re

import phonenumbers
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from .models import AccessDoor, AccessKind, PersonalDataAccess
from .privacy import mask_phone

EXPORT_PERMISSION = "redproperty.export_personal_data"
REGION = "CN"
_HASH_SALT = "redproperty.pipl.phone"


def parse_phone(text: str) -> str:
    """`text` as an E.164 number (`+8613812345678`); ValidationError when it is not a valid
    phone number (mainland numbers may be written without +86; landlines with their area code)."""
    text = (text or "").strip()
    message = _("Enter a valid phone number: a mobile number such as 13812345678, or a landline with "
                "its area code such as 0871-63123456.")
    if not text or len(text) > 30 or not re.fullmatch(r"[0-9+()\-\s.]+", text):
        raise ValidationError(message, code="invalid_phone")
    try:
        number = phonenumbers.parse(text, REGION)
    except phonenumbers.NumberParseException:
        raise ValidationError(message, code="invalid_phone") from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(message, code="invalid_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def canonical_phone(stored: str) -> str:
    """A stored number (written any way) in E.164 when it parses, else its digits alone."""
    try:
        number = phonenumbers.parse(stored or "", REGION)
        if phonenumbers.is_possible_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    except phonenumbers.NumberParseException:
        pass
    return "".join(ch for ch in (stored or "") if ch.isdigit())


def same_phone(stored: str, e164: str) -> bool:
    return bool(stored) and canonical_phone(stored) == e164


def stored_phone_regex(e164: str) -> str:
    """A regular expression (PostgreSQL's and Python's alike) matching the ways a number is
    written in free-form fields: with or without +86/0086 or the trunk 0, spaced or dashed.
    Narrows the database search; `same_phone` then decides."""
    number = phonenumbers.parse(e164, None)
    national = str(number.national_number)
    country = str(number.country_code)
    separated = "[^0-9]*".join(national)
    return rf"^[^0-9]*((\+|00)?{country}[^0-9]*|0)?{separated}[^0-9]*$"


def phone_hash(phone: str) -> str:
    """The keyed hash of a number (64 hex digits): equal for equal numbers however written."""
    canonical = canonical_phone(phone)
    return salted_hmac(_HASH_SALT, canonical, algorithm="sha256").hexdigest() if canonical else ""


def mask_any_phone(phone: str) -> str:
    """A number masked for the audit, in its national form (`138****5678`)."""
    canonical = canonical_phone(phone)
    if canonical.startswith("+"):
        number = phonenumbers.parse(canonical, None)
        return mask_phone(str(number.national_number))
    return mask_phone(canonical)


@transaction.atomic
def record_access(*, actor, kind: AccessKind, door: AccessDoor, record=None, phone: str = "",
                  detail: str = "", at=None) -> PersonalDataAccess:
    """Record that `actor` revealed or exported personal data through `door`: the record
    concerned (if one) and the phone number only as its keyed hash and masked. One INSERT
    (and the content type, cached by Django). Call it inside the transaction that reveals or
    exports, so that neither happens without the other. `at`: when (default now)."""
    if kind not in AccessKind.values or door not in AccessDoor.values:
        raise ValueError(f"unknown access kind or door: {kind!r}, {door!r}")
    return PersonalDataAccess.objects.create(
        actor=actor,
        actor_username=actor.get_username() if actor is not None else "",
        created_at=at or timezone.now(),
        kind=kind,
        door=door,
        content_type=ContentType.objects.get_for_model(record) if record is not None else None,
        object_id=str(record.pk) if record is not None else "",
        object_label=str(record)[:200] if record is not None else "",
        phone_hash=phone_hash(phone) if phone else "",
        phone_masked=mask_any_phone(phone) if phone else "",
        detail=detail[:300],
    )
