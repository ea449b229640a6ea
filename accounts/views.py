"""The second sign-in step, enrolling an authenticator app, recovery codes, and resets."""

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.i18n import set_language as i18n_set_language
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.forms import CodeForm
from accounts.twofactor import (
    session_is_pending,
    session_mark_verified,
    token_verify,
    totp_device,
    two_factor_required,
)
from municipalities.access import tenant_view
from municipalities.models import EDITOR_ROLES, Membership, Municipality


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    # Only a path on this site: redirect() would take a bare word such as "9999-12-31" for a
    # view name and fail with NoReverseMatch (a 500) when reversing it.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, request: HttpRequest) -> str:
    query = QueryDict(mutable=True)
    query["next"] = _next_url(request)
    return f"{reverse(name)}?{query.urlencode(safe='/')}"


@require_http_methods(["GET", "POST"])
@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step after the password: a code from the app or a recovery code."""
    if not session_is_pending(request):
        return redirect(_next_url(request))
    if totp_device(request.user) is None:
        # Required but not enrolled yet: enrolling is the second step this time.
        return redirect(_with_next("accounts:two_factor_setup", request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = token_verify(request.user, form.cleaned_data["code"])
        if device is not None:
            session_mark_verified(request, device)
            return redirect(_next_url(request))
        form.add_error(
            "code",
            _("Die code klopt niet of is al gebruikt. Probeer de code die de app nu toont."),
        )
    return render(
        request, "accounts/two_factor_verify.html", {"form": form, "next": _next_url(request)}
    )


def _qr_svg(url: str) -> str:
    # An inline SVG (no image request, no third party), titled for screen readers.
    return segno.make(url, error="m").svg_inline(
        scale=4, title=_("QR-code voor je authenticator-app")
    )


@require_http_methods(["GET", "POST"])
@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: QR code and secret, confirmed with a code; then the ten
    recovery codes, shown once."""
    user = request.user
    if totp_device(user) is not None:
        # Enrolled already: a pending session gives the code, a verified one sees its status.
        if session_is_pending(request):
            return redirect(_with_next("accounts:two_factor_verify", request))
        return redirect("accounts:security")
    device = services.totp_enrol_start(user=user)
    form = CodeForm(request.POST or None, recovery=False)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = services.totp_enrol_confirm(
                user=user, token=form.cleaned_data["code"], request=request
            )
        except ValidationError as error:
            form.add_error("code", error)
        else:
            session_mark_verified(request, device)
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "next": _next_url(request), "first": True},
            )
    secret = device.config_url.split("secret=", 1)[1].split("&", 1)[0]
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": _qr_svg(device.config_url),
            "secret": secret,
            "secret_grouped": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "required": two_factor_required(user),
            "next": _next_url(request),
        },
    )


@require_GET
@login_required
def security(request: HttpRequest) -> HttpResponse:
    """The user's own sign-in security: whether the app is set up, recovery codes left."""
    enrolled = totp_device(request.user) is not None
    return render(
        request,
        "accounts/security.html",
        {
            "enrolled": enrolled,
            "codes_left": services.recovery_codes_left(user=request.user) if enrolled else 0,
            "required": two_factor_required(request.user),
        },
    )


@require_POST
@login_required
def recovery_codes_new(request: HttpRequest) -> HttpResponse:
    try:
        codes = services.recovery_codes_regenerate(user=request.user)
    except ValidationError:
        return redirect("accounts:two_factor_setup")
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "next": reverse("accounts:security"), "first": False},
    )


@require_GET
@tenant_view(roles=EDITOR_ROLES)
def team_two_factor(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    """The members' second-factor status, with a reset for those whose every membership is here."""
    elsewhere = (
        Membership.objects.active().filter(user=OuterRef("user")).exclude(municipality=municipality)
    )
    memberships = (
        Membership.objects.for_municipality(municipality)
        .active()
        .select_related("user")
        .annotate(
            enrolled=Exists(TOTPDevice.objects.filter(user=OuterRef("user"), confirmed=True)),
            elsewhere=Exists(elsewhere),
        )
        .order_by("user__display_name", "user__email")
    )
    rows = [
        {
            "membership": m,
            "resettable": m.enrolled
            and not m.elsewhere
            and not m.user.is_staff
            and m.user_id != request.user.pk,
        }
        for m in memberships
    ]
    return render(
        request, "accounts/team_two_factor.html", {"rows": rows, "municipality": municipality}
    )


@require_POST
@tenant_view(roles=EDITOR_ROLES, write_roles=EDITOR_ROLES)
def team_two_factor_reset(
    request: HttpRequest, municipality: Municipality, membership_pk: int
) -> HttpResponse:
    membership = get_object_or_404(
        Membership.objects.for_municipality(municipality).active().select_related("user"),
        pk=membership_pk,
    )
    user = membership.user
    try:
        services.two_factor_reset(
            user=user, reset_by=request.user, municipality=municipality, request=request
        )
    except PermissionDenied:
        messages.error(
            request,
            _(
                "De tweestapsverificatie van %(name)s kan alleen het platformbeheer resetten: "
                "deze persoon werkt ook voor een andere gemeente."
            )
            % {"name": user.get_short_name()},
        )
    else:
        messages.success(
            request,
            _("De tweestapsverificatie van %(name)s is gereset. We hebben een e-mail gestuurd.")
            % {"name": user.get_short_name()},
        )
    return redirect("accounts_team:two_factor", municipality_slug=municipality.slug)


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """The language switcher: Django's set_language (cookie, redirect to ``next``), and for a
    signed-in user the choice is kept on the account, so their mails use it too."""
    response = i18n_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.user_language_set(user=request.user, language=language)
    return response
