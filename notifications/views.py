"""The bell (its count, loaded by htmx), the notification list, reading, preferences, and the
unsubscribe page (no login: the signed token in the link is the key)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.pagination import paginate
from notifications import selectors, services
from notifications.forms import PreferencesForm
from notifications.mailing import unsubscribe_read
from notifications.models import Kind

PER_PAGE = 25


@require_GET
@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    page, query = paginate(request, selectors.notifications_for(user=request.user), PER_PAGE)
    unread = selectors.unread_count(user=request.user)
    return render(
        request,
        "notifications/list.html",
        {"page": page, "query": query, "notifications": page.object_list, "unread": unread},
    )


@require_GET
@login_required
def badge(request: HttpRequest) -> HttpResponse:
    """The bell's content with the unread count: fetched by htmx after the page loaded, so no
    page pays a query for it and cached pages stay valid."""
    return render(
        request,
        "notifications/list.html#bell",
        {"unread": selectors.unread_count(user=request.user)},
    )


@require_GET
@login_required
def notification_open(request: HttpRequest, notification_pk: int) -> HttpResponse:
    """Following a notification's link marks it read and goes where it points."""
    notification = selectors.notification_get(user=request.user, pk=notification_pk)
    services.notification_mark_read(notification=notification)
    target = notification.url
    if not url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        target = "notifications:list"
    return redirect(target)


@require_POST
@login_required
def read_all(request: HttpRequest) -> HttpResponse:
    services.notifications_mark_all_read(user=request.user)
    messages.success(request, _("Alle meldingen zijn gelezen."))
    return redirect("notifications:list")


@require_http_methods(["GET", "POST"])
@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    current = selectors.preference_choices(user=request.user)
    form = PreferencesForm(request.POST or None, initial=current)
    if request.method == "POST" and form.is_valid():
        services.preferences_set(user=request.user, frequencies=form.cleaned_data)
        messages.success(request, _("Je meldingsinstellingen zijn opgeslagen."))
        return redirect("notifications:preferences")
    status = 400 if request.method == "POST" else 200
    return render(request, "notifications/preferences.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
@csrf_exempt  # RFC 8058: the mail client POSTs without a session or token; the link is signed
def unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows one button and changes nothing (mail scanners follow links); POST unsubscribes,
    from that button or from the mail client's one-click (``List-Unsubscribe=One-Click``)."""
    try:
        user_id, kinds = unsubscribe_read(token)
    except signing.BadSignature:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=404)
    labels = [Kind(kind).label for kind in kinds]
    done = False
    if request.method == "POST":
        done = bool(services.unsubscribe(user_id=user_id, kinds=kinds))
        if not done:
            return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=404)
    return render(
        request, "notifications/unsubscribe.html", {"labels": labels, "done": done, "token": token}
    )
