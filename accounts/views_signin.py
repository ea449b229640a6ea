"""Signing in and out: the e-mail-first login page, single sign-on (OpenID Connect), logout, and
the password views that end the user's other sessions."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import services, sso
from accounts.forms import EmailStepForm, QueuedPasswordResetForm
from accounts.models import OIDCProvider, UserSession
from accounts.sessions import RECORD_KEY
from accounts.twofactor import PENDING_KEY, session_is_pending
from accounts.views import _next_url
from municipalities.forms import EmailAuthenticationForm

NEXT_KEY = "accounts_sso_next"


class LoginView(auth_views.LoginView):
    """Step one asks only for the e-mail address. An address whose domain has a sign-on goes to
    that provider; every other address gets the password step, whether or not an account
    exists (the page never tells). The password step is Django's LoginView with the address in
    an ``autocomplete="username"`` field, so django-axes counts every failed password."""

    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if "password" in request.POST:
            return super().post(request, *args, **kwargs)
        form = EmailStepForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(email_form=form, step="email"))
        email = form.cleaned_data["username"].strip()
        provider = sso.provider_for_email(email)
        if provider is not None:
            query = QueryDict(mutable=True)
            query["next"] = self.get_success_url()
            query["login_hint"] = email
            return redirect(
                f"{reverse('accounts:sso_start', args=[provider.slug])}?{query.urlencode()}"
            )
        password_form = self.get_form_class()(request, initial={"username": email})
        return self.render_to_response(self.get_context_data(form=password_form, step="password"))

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if context.get("step") == "email":
            response.sso_form_action = sso.login_form_origins()
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("step", "password" if self.request.method == "POST" else "email")
        context.setdefault("email_form", EmailStepForm())
        context["password_email"] = (
            context["form"]["username"].value() or "" if context["step"] == "password" else ""
        )
        return context


@require_GET
def sso_start(request: HttpRequest, provider_slug: str) -> HttpResponse:
    """Off to the provider's authorize endpoint (code flow, PKCE, state and nonce)."""
    provider = get_object_or_404(OIDCProvider, slug=provider_slug, is_active=True)
    request.session[NEXT_KEY] = _next_url(request)
    extra = {}
    hint = request.GET.get("login_hint", "").strip()
    if hint and len(hint) <= 254:
        extra["login_hint"] = hint
    callback = request.build_absolute_uri(reverse("accounts:sso_callback", args=[provider.slug]))
    client = sso.client_for(provider)
    try:
        response = client.authorize_redirect(request, callback, **extra)
    except Exception as error:  # noqa: BLE001 - discovery failed: any network or JSON error
        sso.log.warning("OIDC discovery at %s failed: %s", provider.slug, error)
        refusal = sso._refuse("unavailable")
        return render(
            request, "accounts/sso_refused.html", {"message": refusal.message}, status=503
        )
    return response


@require_GET
def sso_callback(request: HttpRequest, provider_slug: str) -> HttpResponse:
    """The provider sends the browser back here with ``code`` and ``state``."""
    provider = get_object_or_404(OIDCProvider, slug=provider_slug, is_active=True)
    try:
        sign_on = sso.sign_on_complete(request=request, provider=provider)
    except sso.SignOnRefused as refusal:
        sso.sign_on_refused_record(provider=provider, refusal=refusal, request=request)
        return render(
            request,
            "accounts/sso_refused.html",
            {"message": refusal.message, "provider": provider},
        )
    target = request.session.pop(NEXT_KEY, None) or reverse(settings.LOGIN_REDIRECT_URL)
    auth_login(request, sign_on.user, backend="django.contrib.auth.backends.ModelBackend")
    if sign_on.mfa:
        # The provider asserts a second factor (amr/acr as configured for it): none is due here.
        request.session.pop(PENDING_KEY, None)
    request.session[sso.SESSION_PROVIDER] = provider.pk
    sso.session_origins_remember(request=request, provider=provider)
    request.session[sso.SESSION_ID_TOKEN] = sign_on.id_token
    UserSession.objects.filter(pk=request.session.get(RECORD_KEY)).update(provider=provider)
    if session_is_pending(request):
        query = QueryDict(mutable=True)
        query["next"] = target
        return redirect(f"{reverse('accounts:two_factor_verify')}?{query.urlencode(safe='/')}")
    return redirect(target)


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    """Sign out here, and at the provider too when the session came from a sign-on and the
    provider supports RP-initiated logout."""
    provider_id = request.session.get(sso.SESSION_PROVIDER)
    id_token = request.session.get(sso.SESSION_ID_TOKEN, "")
    auth_logout(request)
    # After the flush, so it lives in the message cookie: the next page (the login page, also
    # on the way back from the provider) says it worked.
    messages.success(request, _("Je bent uitgelogd."))
    if provider_id:
        url = sso.logout_url(
            provider_id=provider_id,
            id_token=id_token,
            return_to=request.build_absolute_uri(reverse(settings.LOGOUT_REDIRECT_URL)),
        )
        if url:
            return redirect(url)
    return redirect(settings.LOGOUT_REDIRECT_URL)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's view (it keeps this session signed in), then the others end and a mail goes."""

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_changed(user=form.user, request=self.request)
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Django's view with the reset mail queued through core.mail (sent by the worker)."""

    form_class = QueuedPasswordResetForm


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """A password set from the reset link ends all the user's sessions and sends a mail."""

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_changed(user=form.user)
        return response
