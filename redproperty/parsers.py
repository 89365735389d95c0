"""What the API reads from a request body: DRF's parsers, hardened.

`DEFAULT_PARSER_CLASSES` (settings) and every view that names its own parsers use
`PARSER_CLASSES` from here.
"""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, parsers


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, with a body nested deeper than Python's parser can follow (100,000
    brackets raise RecursionError) refused as malformed JSON: 400, not a server error."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(_("JSON parse error: the body is nested too deeply.")) from None


# JSON only: one content type per body in the schema, and no form-encoded PUT that turns an
# omitted checkbox into false. The operations that take photos add multipart.
PARSER_CLASSES = [JSONParser]
PHOTO_PARSER_CLASSES = [JSONParser, parsers.MultiPartParser]
