"""The one rule for a reporter's personal data, whatever door shows it.

A reporter leaves a name, a phone number and an e-mail address (all optional). Every door
(admin, workbench, API, Open311, exports, notifications, logs) shows them through this module:

- phone and e-mail are always masked (`138****5678`, `l***@example.org`);
- the name is shown, except that a reporter who asked for anonymity is shown as anonymous to
  anyone without CONTACT_PERMISSION (firm staff, integrators);
- the full phone and e-mail are revealed only to a holder of CONTACT_PERMISSION, on an
  explicit request, and each reveal is recorded (complaints.services.complaint_reveal_phone:
  an internal event with who and when, and a row of the PIPL audit, redproperty/pipl.py);
- the place in the complex is where the problem is, not the reporter's home: handlers in the
  jurisdiction see it; doors without personal data (keyless Open311, the public pages and
  exports) leave it out;
- exports, webhooks and notifications to staff carry none of the three; log lines are
  passed through `mask_text`, which masks any phone number or e-mail address in them.

Pure functions (the complaints models import them), so it imports nothing of the apps.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

CONTACT_PERMISSION = "complaints.view_reporter_phone"


def mask_phone(phone: str) -> str:
    """`13812345678` → `138****5678`; short or empty numbers are masked whole."""
    digits = "".join(ch for ch in (phone or "") if ch.isdigit())
    if not digits:
        return ""
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"


def mask_email(email: str) -> str:
    """`li.ayi@example.org` → `l***@example.org`; empty stays empty."""
    if not email:
        return ""
    local, _at, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def may_see_contacts(user) -> bool:
    """Whether `user` may reveal reporters' full contacts (and see anonymous reporters' names)."""
    return bool(user is not None and user.is_authenticated and user.has_perm(CONTACT_PERMISSION))


@dataclass(frozen=True)
class Reporter:
    """A reporter as one viewer may see them: name ("" when hidden), masked phone and e-mail,
    whether the name is withheld, and whether the viewer may reveal the full contacts."""

    name: str
    phone: str
    email: str
    is_name_hidden: bool
    may_reveal: bool


def reporter_as_seen_by(complaint, user, *, may_see: bool | None = None) -> Reporter:
    """The reporter of `complaint` as `user` may see them. Pass `may_see` (may_see_contacts(user))
    when showing many complaints, so the permission is looked up once."""
    may_see = may_see_contacts(user) if may_see is None else may_see
    hidden = complaint.is_anonymous and not may_see
    return Reporter(
        name="" if hidden else complaint.reporter_name,
        phone=mask_phone(complaint.reporter_phone),
        email=mask_email(complaint.reporter_email),
        is_name_hidden=hidden,
        may_reveal=may_see and bool(complaint.reporter_phone or complaint.reporter_email),
    )


# Mainland mobile numbers (optionally +86 and spaced or dashed) and e-mail addresses in free text.
_PHONE_IN_TEXT = re.compile(r"(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d){8}(?!\d)")
_EMAIL_IN_TEXT = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def mask_text(text: str) -> str:
    """`text` with every mobile number and e-mail address in it masked (for log lines)."""
    text = _PHONE_IN_TEXT.sub(lambda m: mask_phone("".join(ch for ch in m.group(0) if ch.isdigit())[-11:]), text)
    return _EMAIL_IN_TEXT.sub(lambda m: mask_email(m.group(0)), text)
