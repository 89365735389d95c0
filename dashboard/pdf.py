"""HTML → PDF with WeasyPrint (Debian's Pango underneath; see the README for the packages).

Static files (the print stylesheet) are read from the static finders, never fetched over
HTTP, and nothing else is fetched: a PDF needs no network and cannot be made to reach one."""
from __future__ import annotations

from django.conf import settings
from django.contrib.staticfiles import finders

STATIC_PREFIX = "file:///" + settings.STATIC_URL.strip("/") + "/"


def _static_fetcher():
    _weasyprint()
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            path = finders.find(url[len(STATIC_PREFIX):]) if url.startswith(STATIC_PREFIX) else None
            if not path:
                raise ValueError(f"only static files are read: {url}")
            with open(path, "rb") as handle:
                body = handle.read()
            mime = "text/css" if path.endswith(".css") else "application/octet-stream"
            return URLFetcherResponse(url, body, {"Content-Type": mime})

    return StaticOnlyFetcher()


def _weasyprint():
    """The weasyprint module, imported without its side effect: on import it sets Pillow's
    process-wide LOAD_TRUNCATED_IMAGES, which would let the portal accept truncated photos."""
    from PIL import ImageFile

    previous = ImageFile.LOAD_TRUNCATED_IMAGES
    import weasyprint

    ImageFile.LOAD_TRUNCATED_IMAGES = previous
    return weasyprint


def html_to_pdf(html: str) -> bytes:
    """The PDF of a page rendered by our own templates (print media)."""
    return _weasyprint().HTML(string=html, base_url="file:///", url_fetcher=_static_fetcher()).write_pdf()
