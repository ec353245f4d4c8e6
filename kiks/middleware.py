from django.conf import settings
from django.template.loader import select_template
from django.utils import translation
from django.utils.cache import patch_vary_headers


class LanguageCookieMiddleware:
    """Activate the language the visitor chose with the switcher, else Indonesian.

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language header on purpose:
    the portal speaks Indonesian first, and English only when someone asks for it.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class ErrorPageMiddleware:
    """Give every empty 4xx answer a message page: Django's 405 (a view's http_method_names, the
    require_POST decorator) and any other bare 4xx have no body. The page is `<status>.html`,
    else 400.html; headers such as Allow are kept. Rendered without the request, as Django
    renders 400.html, so a request that cannot be read (too many fields) still gets its page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if 400 <= response.status_code < 500 and not response.streaming and not response.content:
            template = select_template([f"{response.status_code}.html", "400.html"])
            response.content = template.render()
            response["Content-Type"] = "text/html; charset=utf-8"
        return response
