"""The user's own active sessions, each with a button to end it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.sessions import RECORD_KEY, session_end, sessions_end_others, user_sessions


@require_GET
@login_required
def session_list(request: HttpRequest) -> HttpResponse:
    current = request.session.get(RECORD_KEY)
    rows = [{"session": s, "current": s.pk == current} for s in user_sessions(user=request.user)]
    return render(
        request,
        "accounts/sessions.html",
        {"rows": rows, "others": sum(1 for row in rows if not row["current"])},
    )


@require_POST
@login_required
def session_end_view(request: HttpRequest, session_pk: int) -> HttpResponse:
    if session_pk == request.session.get(RECORD_KEY):
        messages.error(request, _("Dit is je huidige sessie. Gebruik Uitloggen om die te sluiten."))
    elif session_end(user=request.user, pk=session_pk):
        messages.success(request, _("De sessie is beëindigd."))
    else:
        messages.info(request, _("Die sessie was al beëindigd."))
    return redirect("accounts:sessions")


@require_POST
@login_required
def sessions_end_others_view(request: HttpRequest) -> HttpResponse:
    ended = sessions_end_others(user=request.user, request=request)
    messages.success(
        request,
        _("Je andere sessies zijn beëindigd.") if ended else _("Je had geen andere sessies."),
    )
    return redirect("accounts:sessions")
