"""API keys on the wire: `Authorization: Token <key>` or `Authorization: Bearer <key>`."""
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication, get_authorization_header

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
        raise exceptions.AuthenticationFailed(_("Invalid token.")) from None


class ApiKeyAuthentication(TokenAuthentication):
    """An API key in the Authorization header, with the keyword Token or Bearer."""

    def authenticate(self, request):
        key = key_from_header(request)
        return None if key is None else self.authenticate_credentials(key)
