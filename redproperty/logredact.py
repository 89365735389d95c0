"""Secrets never reach a log line: the values of `api_key` (Open311 keys) and `phone_tail`
(a reporter's last four digits) in query strings are written as `[redacted]`, in gunicorn's
access log (`GunicornLogger`, named in the Procfile) and in Django's own request log
(`RedactSecretsFilter`, on the django.server and django.request loggers in settings).
The filter, on the console handler too, also masks any phone number or e-mail address in a
message by redproperty.privacy's rule (138****5678, l***@example.org)."""
from __future__ import annotations

import logging
import re

from redproperty.privacy import mask_text

SECRET_PARAMETERS = ("api_key", "phone_tail")
_SECRET = re.compile(r"((?:^|[?&;\s])(?:%s)=)[^&;\s\"']*" % "|".join(SECRET_PARAMETERS), re.IGNORECASE)
_SECRET_HEADERS = {"authorization", "x-api-key", "cookie"}
REDACTED = "[redacted]"


def redact(text: str) -> str:
    """`text` with the value of every secret query parameter replaced."""
    return _SECRET.sub(r"\1" + REDACTED, text)


class RedactSecretsFilter(logging.Filter):
    """Rewrites a record's message with the secrets redacted and personal contacts masked
    (and drops its args)."""

    def filter(self, record):
        message = record.getMessage()
        cleaned = mask_text(redact(message))
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


try:
    from gunicorn.glogging import Logger as _GunicornLogger
except ImportError:  # pragma: no cover - gunicorn is a runtime dependency
    _GunicornLogger = object


class GunicornLogger(_GunicornLogger):
    """gunicorn's logger, with every access-log atom (request line, query string, URL, any
    header or environ value a custom format names) free of secrets."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for name, value in atoms.items():
            if name.startswith("{") and name.endswith("}i") and name[1:-2].lower() in _SECRET_HEADERS:
                atoms[name] = REDACTED  # a request header the access-log format names
            elif isinstance(value, str):
                atoms[name] = redact(value)
        return atoms
