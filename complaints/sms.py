"""Text messages to residents, through a pluggable gateway.

`settings.SMS_BACKEND` names the class ("module.path.ClassName"). A real gateway subclasses
`SmsBackend` and implements `send`; the default `LoggingSmsBackend` only writes the message to
the log with the number masked. Phone numbers never appear unmasked in a log line.
"""
from __future__ import annotations

import logging

from django.conf import settings
from django.utils.module_loading import import_string

from redproperty.privacy import mask_phone

log = logging.getLogger(__name__)


class SmsBackend:
    """The interface of an SMS gateway."""

    def send(self, *, phone: str, text: str) -> None:
        """Send `text` to `phone` (national digits). Raise on failure so the task retries."""
        raise NotImplementedError


class LoggingSmsBackend(SmsBackend):
    """Development and default: log the masked number and the text; send nothing."""

    def send(self, *, phone: str, text: str) -> None:
        log.info("SMS to %s: %s", mask_phone(phone), text)


# Messages "sent" by MemorySmsBackend, like django.core.mail.outbox.
outbox: list[dict] = []


class MemorySmsBackend(SmsBackend):
    """Tests: keep messages in `complaints.sms.outbox`."""

    def send(self, *, phone: str, text: str) -> None:
        outbox.append({"phone": phone, "text": text})


def get_sms_backend() -> SmsBackend:
    return import_string(settings.SMS_BACKEND)()


def send_sms(*, phone: str, text: str) -> None:
    get_sms_backend().send(phone=phone, text=text)
