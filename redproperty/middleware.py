"""Project middleware: the language choice, and the cap on request bodies.

Language choice: Chinese unless the user picked English.

Django's LocaleMiddleware follows the browser's Accept-Language, so a district officer on an
English-locale browser would get an English platform. Pages here are Chinese by default and
change only on an explicit choice (the language switch, which sets the language cookie).
Integrators' API clients, which have no switch, still negotiate with Accept-Language.
"""
from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

NEGOTIATING_PREFIXES = ("/api/", "/open311/")


class ChosenLanguageMiddleware(LocaleMiddleware):
    def process_request(self, request):
        if request.path.startswith(NEGOTIATING_PREFIXES):
            return super().process_request(request)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class RequestBodyCapMiddleware:
    """Refuses a request whose declared body is larger than REQUEST_BODY_MAX_BYTES with 413,
    before a byte of it is read.

    Django's DATA_UPLOAD_MAX_MEMORY_SIZE does not count uploaded files, which are spooled to
    disk as they arrive (FILE_UPLOAD_TEMP_DIR): a 200 MB body would be written out before any
    view could refuse it. The cap is on Content-Length, which WSGI servers enforce (a body
    without one is read as empty by Django). The answer is in the door's shape (JSON under
    /api/, the error list under /open311/, a page elsewhere)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > settings.REQUEST_BODY_MAX_BYTES:
            return self.refuse(request)
        return self.get_response(request)

    @staticmethod
    def refuse(request):
        from django.shortcuts import render
        from django.template.defaultfilters import filesizeformat
        from django.utils.translation import gettext as _

        from redproperty.errors import error_for_door

        message = _("What you sent is larger than %(max)s in all. Please send fewer or smaller photos.") % {
            "max": filesizeformat(settings.REQUEST_BODY_MAX_BYTES)}
        answer = error_for_door(request, 413, message)
        if answer is None:
            context = {"title": _("Too large to send"), "message": message}
            answer = render(request, "plain_message.html", context, status=413)
        # Nothing of the body was read: the connection cannot be reused for another request.
        answer["Connection"] = "close"
        return answer
