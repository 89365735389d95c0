"""Language choice: Chinese unless the user picked English.

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
