from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.urls import reverse

from accounts.twofactor import session_is_pending


class TwoFactorMiddleware:
    """A session whose second factor is still due reaches only the second-factor pages, logout,
    the language switch, static files and the health check; everything else sends it to the
    second-factor step, which returns to the page asked for. Place it after
    AuthenticationMiddleware. Costs no query: the pending mark lives in the session.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self._open: tuple[str, ...] | None = None

    def open_paths(self) -> tuple[str, ...]:
        if self._open is None:
            self._open = (
                reverse("accounts:two_factor_verify"),
                reverse("accounts:two_factor_setup"),
                reverse("logout"),
                reverse("set_language"),
                reverse("healthz"),
                "/" + settings.STATIC_URL.lstrip("/"),
            )
        return self._open

    def __call__(self, request):
        session = getattr(request, "session", None)
        if (
            session is not None
            and session.session_key
            and session_is_pending(request)
            and not request.path.startswith(self.open_paths())
        ):
            if request.headers.get("HX-Request"):
                # An htmx fragment (the header's bell) asked from a second-factor page: nothing
                # to swap in. A redirect would be followed and put the whole verify page inside
                # the header.
                return HttpResponse(status=204)
            return redirect_to_login(request.get_full_path(), reverse("accounts:two_factor_verify"))
        return self.get_response(request)


class SignOnFormActionMiddleware:
    """Lets forms lead to the sign-on providers under the Content-Security-Policy.

    ``form-action 'self'`` also governs the redirects after a form is sent, so without this the
    browser would block the e-mail step's redirect to the provider and the logout's redirect to
    its end-session endpoint. Adds to ``form-action`` the origins the login page names
    (``response.sso_form_action``) and, on a signed-on session's pages (their logout form), its
    provider's origins kept in the session. No query: a page that never read the session (so
    showed no logout form) is left alone. Place it right after ContentSecurityPolicyMiddleware
    (its response step then runs first)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from accounts.sso import SESSION_ORIGINS

        response = self.get_response(request)
        origins = list(getattr(response, "sso_form_action", ()))
        session = getattr(request, "session", None)
        if session is not None and hasattr(session, "_session_cache"):
            origins += session.get(SESSION_ORIGINS, [])
        if origins and response.get("Content-Type", "").startswith("text/html"):
            config = dict(getattr(response, "_csp_config", None) or settings.SECURE_CSP)
            if config:
                extra = [
                    o for o in dict.fromkeys(origins) if o not in config.get("form-action", [])
                ]
                config["form-action"] = [*config.get("form-action", []), *extra]
                response._csp_config = config
        return response
