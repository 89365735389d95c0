"""API keys on the wire: `Authorization: Token <key>` or `Authorization: Bearer <key>` for the
REST API; Open311 also takes its spec's `api_key` parameter and an `X-Api-Key` header."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

KEYWORDS = ("token", "bearer")


def key_from_header(request) -> str | None:
    """The key of an `Authorization: Token|Bearer <key>` header; None without such a header.
    Raises AuthenticationFailed when the header is malformed."""
    parts = get_authorization_header(request).split()
    if not parts or parts[0].decode("latin-1").lower() not in KEYWORDS:
        return None
    if len(parts) != 2:
        raise exceptions.AuthenticationFailed(_("Send the header as “Token <key>” or “Bearer <key>”."))
    try:
        return parts[1].decode()
    except UnicodeError:
        raise exceptions.AuthenticationFailed(pgettext_lazy("api key", "Invalid token.")) from None


class ApiKeyAuthentication(BaseAuthentication):
    """An API key (integrations.ApiKey) in the Authorization header, keyword Token or Bearer."""

    keyword = "Token"

    def authenticate(self, request):
        from .services import api_key_authenticate

        key = key_from_header(request)
        if key is None:
            return None
        row = api_key_authenticate(key)
        if row is None:
            raise exceptions.AuthenticationFailed(pgettext_lazy("api key", "Invalid token."))
        return row.user, row

    def authenticate_header(self, request):
        return self.keyword
