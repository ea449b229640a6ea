import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import translation


class LanguageMiddleware:
    """Dutch unless the user chose another language with the switcher (the language cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language, so a civil servant with
    an English browser would get an English UI by surprise; the product is Dutch-first.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class SessionTouchMiddleware:
    """Sliding session expiry without a database write on every request.

    ``SESSION_SAVE_EVERY_REQUEST`` would rewrite the session row (UPDATE + COMMIT) on each
    request, which the load benchmark showed to dominate cheap pages. Instead an authenticated
    session is re-saved — and its expiry pushed SESSION_COOKIE_AGE ahead — at most once every
    SESSION_TOUCH_INTERVAL seconds, so inactivity still ends it within that margin.
    Place it after SessionMiddleware and AuthenticationMiddleware.
    """

    KEY = "_touched"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is None or user is None or not user.is_authenticated or not session.session_key:
            return response
        now = int(time.time())
        if now - session.get(self.KEY, 0) >= settings.SESSION_TOUCH_INTERVAL:
            session[self.KEY] = now  # marks the session modified: saved with a fresh expiry
        return response


@receiver(user_logged_in)
def _session_touched_at_login(sender, request, user, **kwargs):
    # A fresh login has a fresh expiry: the first requests after it need no extra write.
    if request is not None and hasattr(request, "session"):
        request.session[SessionTouchMiddleware.KEY] = int(time.time())
