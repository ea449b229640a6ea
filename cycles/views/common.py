"""What the cycle pages share: the base context and the form page every form view renders."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django_htmx.http import reswap, retarget

from cycles import rules
from cycles.models import Phase
from municipalities.models import EDITOR_ROLES

STEPS = [Phase.DATA, Phase.DUIDEN, Phase.DOELEN, Phase.DOEN, Phase.EVALUATIE]


def can_change(request: HttpRequest) -> bool:
    return request.membership.role in EDITOR_ROLES


# What each tab lets an editor change, for the explanation when the phase locks it.
PAGE_EDITS = {
    "data": ["waiver"],
    "duiden": ["session", "finding"],
    "doelen": ["goal", "activity"],
    "doen": ["activity", "progress"],
    "evaluatie": ["evaluation"],
}


def locks(cycle, page: str, *, editor: bool) -> list[str]:
    """Why an editor cannot change what this tab shows, in this phase (empty for readers: they
    never could, and the phase is not the reason)."""
    if not editor:
        return []
    if not cycle.is_open:
        return [rules.NOT_EDITABLE_MESSAGES["cycle"]]
    return [
        rules.NOT_EDITABLE_MESSAGES[what]
        for what in PAGE_EDITS.get(page, [])
        if not rules.can_edit(cycle, what)
    ]


def base_context(request, cycle, page: str) -> dict:
    editor = can_change(request)
    locked = locks(cycle, page, editor=editor)
    return {
        "cycle": cycle,
        "page": page,
        "steps": STEPS,
        "can_change": editor,
        "can": {k: v and editor for k, v in rules.editable_map(cycle).items()},
        "goal_fixed": rules.goal_is_fixed(cycle),
        "locks": locked,
        # Going back a phase is done on the overview (with a reason); only from Duiden on.
        "go_back_url": (
            reverse("cycles:detail", args=[cycle.municipality.slug, cycle.pk]) + "#go-back"
            if locked and cycle.is_open and cycle.phase != Phase.DATA
            else ""
        ),
    }


_MARKER = 987654321  # a primary key no row has: where each row's own pk goes


def row_urls(cycle, rows, **names: str) -> None:
    """Set on each row, for each ``attribute=url name``, the URL of that view for the row
    (``reverse(name, args=[slug, cycle pk, row pk])``), reversed once for all rows: the path with
    a marker pk, each row's pk put in its place. A page of rows then needs no URL lookup per row
    and link (``{{ goal.edit_url }}`` instead of ``{% url … goal.pk %}``)."""
    for attribute, name in names.items():
        path = reverse(name, args=[cycle.municipality.slug, cycle.pk, _MARKER])
        prefix, suffix = path.rsplit(str(_MARKER), 1)
        for row in rows:
            setattr(row, attribute, f"{prefix}{row.pk}{suffix}")


def page_url(cycle, page: str) -> str:
    return reverse(f"cycles:{page}", args=[cycle.municipality.slug, cycle.pk])


def form_page(
    request,
    *,
    cycle,
    form,
    title: str,
    action: str,
    back: str,
    block_id: str,
    editable: bool,
    what: str,
    section: str = "",
    multipart: bool = False,
    intro: str = "",
) -> HttpResponse:
    """A form on its own page (no JavaScript) or just the form block (htmx): views that return
    this vary on ``HX-Request``."""
    form.auto_id = f"{block_id}-%s"  # unique ids when several forms share a page
    context = {
        "cycle": cycle,
        "inline": bool(request.htmx),
        "form": form,
        "title": title,
        "action": action,
        "back": back,
        "block_id": block_id,
        "section": section,
        "editable": editable,
        "not_editable_message": rules.NOT_EDITABLE_MESSAGES[what],
        "multipart": multipart,
        "intro": intro,
    }
    if request.htmx:
        response = render(request, "cycles/form_page.html#form-block", context)
        if request.method == "POST":
            # The form had errors: put it back where it stood instead of replacing the section.
            response = reswap(retarget(response, f"#{block_id}"), "outerHTML")
        return response
    return render(request, "cycles/form_page.html", context)
