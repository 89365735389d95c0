"""Text that people send us: no C0 control characters, except newline, carriage return and tab.

Pasted text can carry invisible control characters (a vertical tab from a word processor, an
escape code), and XML 1.0 cannot hold most of them at all, so one Open311 record with a
\\x01 in it would break every `requests.xml` page that lists it. They are refused at the
edge, with one message, in every door:

- Django forms (portal, workbench, admin, dashboard): every `forms.CharField` carries
  `validate_no_control_characters` (installed once by `install_form_validator`, called from
  RedPropertyConfig.ready()), so the error shows under the field and the form keeps its input;
- the machine doors (/api/, /open311/): `ControlCharactersMiddleware` reads every text value
  of a write's body (JSON at any depth, form fields) before any view runs and answers 400 in
  the door's error shape, naming the fields;
- whatever is already stored goes out through `xml_text`, which drops what XML forbids.
"""
from __future__ import annotations

import json
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from redproperty.errors import error_for_door

# The C0 controls \x00-\x1f without tab (\x09), newline (\x0a) and carriage return (\x0d).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# What XML 1.0 forbids in character data: the controls above, lone surrogates, U+FFFE, U+FFFF.
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

MESSAGE = _("This text contains invisible control characters. Please remove them (retype the text "
            "rather than pasting it) and send it again.")


def has_control_characters(text: str) -> bool:
    return bool(CONTROL_CHARACTERS.search(text))


def validate_no_control_characters(value) -> None:
    """A validator for any text field; values that are not text (a form's parsed JSON, a
    UUID) pass, their own field checks them."""
    if isinstance(value, str) and has_control_characters(value):
        raise ValidationError(MESSAGE, code="control_characters")


def xml_text(text: str) -> str:
    """`text` without the characters an XML document may not contain."""
    return XML_FORBIDDEN.sub("", text)


def install_form_validator() -> None:
    """Every Django form CharField (and the fields built on it that keep its default
    validators: ModelForm text fields, RegexField, ...) refuses control characters.
    EmailField, URLField and SlugField have validators of their own that refuse them already."""
    from django import forms

    if validate_no_control_characters not in forms.CharField.default_validators:
        forms.CharField.default_validators = [*forms.CharField.default_validators, validate_no_control_characters]


# ---------------------------------------------------------------------------
# The machine doors
# ---------------------------------------------------------------------------
MACHINE_PREFIXES = ("/api/", "/open311/")
WRITE_METHODS = {"POST", "PUT", "PATCH"}


def _bad_fields(value, path: str, found: list[str]) -> None:
    if isinstance(value, str):
        if has_control_characters(value):
            found.append(path or "non_field_errors")
    elif isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and has_control_characters(key):
                found.append(path or "non_field_errors")
            _bad_fields(item, name, found)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _bad_fields(item, f"{path}.{index}" if path else str(index), found)


def fields_with_control_characters(request) -> list[str]:
    """The names of the body's text values that hold control characters (dotted paths for
    nested JSON). A body this cannot read (bad JSON, nested too deeply) gives []: the view's
    own parser answers for it."""
    content_type = request.content_type or ""
    found: list[str] = []
    if content_type == "application/json" or content_type.endswith("+json"):
        try:
            data = json.loads(request.body or b"null")
        except (ValueError, RecursionError):
            return []
        _bad_fields(data, "", found)
    elif request.method == "POST" and content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        # Django parses form bodies of POST only; DRF reuses this parse (request._request.POST).
        for name, values in request.POST.lists():
            if has_control_characters(name) or any(has_control_characters(v) for v in values):
                found.append(name)
    return list(dict.fromkeys(found))


class ControlCharactersMiddleware:
    """Refuses an API or Open311 write whose body has control characters in any text value:
    400 in the door's error shape, before any view (and so before anything is saved)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in WRITE_METHODS and request.path.startswith(MACHINE_PREFIXES):
            fields = fields_with_control_characters(request)
            if fields:
                return error_for_door(request, 400, MESSAGE, errors={name: [str(MESSAGE)] for name in fields})
        return self.get_response(request)
