"""Open311 GeoReport v2 responses in JSON or XML, shaped as the specification's examples.

A JSON response is a list (or, for a service definition and discovery, an object); the XML
response wraps the same data in the spec's element names, e.g.
`<service_requests><request>...</request></service_requests>`. Errors are always a list of
`{code, description}` (`<errors><error>...</error></errors>`)."""
from __future__ import annotations

import json
from xml.etree import ElementTree as ET

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse

from redproperty.text import xml_text

# The element name of one item of each list-valued field (spec: attributes/attribute, ...).
ITEM_TAGS = {"attributes": "attribute", "values": "value", "endpoints": "endpoint", "formats": "format"}


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    # A record stored before control characters were refused must not break the document.
    return xml_text(str(value))


def _fill(element: ET.Element, data: dict) -> None:
    for key, value in data.items():
        child = ET.SubElement(element, key)
        if isinstance(value, dict):
            _fill(child, value)
        elif isinstance(value, (list, tuple)):
            for item in value:
                sub = ET.SubElement(child, ITEM_TAGS[key])
                if isinstance(item, dict):
                    _fill(sub, item)
                else:
                    sub.text = _text(item)
        else:
            child.text = _text(value)


def to_xml(root_tag: str, item_tag: str | None, data) -> bytes:
    """`data` is a list of dicts (each becomes an `item_tag` element) or one dict (the root's children)."""
    root = ET.Element(root_tag)
    if isinstance(data, dict):
        _fill(root, data)
    else:
        for item in data:
            _fill(ET.SubElement(root, item_tag), item)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def respond(fmt: str, root_tag: str, item_tag: str | None, data, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        return HttpResponse(to_xml(root_tag, item_tag, data), status=status, content_type="text/xml; charset=utf-8")
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return HttpResponse(body, status=status, content_type="application/json; charset=utf-8")


def error_response(fmt: str, status: int, *descriptions) -> HttpResponse:
    """The spec's error list: one {code, description} per problem, code = the HTTP status."""
    errors = [{"code": status, "description": str(text)} for text in descriptions]
    return respond(fmt, "errors", "error", errors, status=status)
