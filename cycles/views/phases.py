"""The five phase pages of a cycle, and what a successful write shows afterwards (``saved``).

The page contexts live together here because every form view, whatever its subject, answers an
htmx write with a refreshed section of one of these pages.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from core.pagination import PAGE_PARAMETER
from cycles import gates, selectors
from cycles.forms import EvaluationForm, FindingForm, SessionForm, WaiverForm
from cycles.models import Phase
from cycles.views.common import base_context, row_urls
from municipalities.access import tenant_view
from municipalities.models import Municipality


def _data_context(request, cycle, waiver_form=None) -> dict:
    context = base_context(request, cycle, "data")
    context["checklist"] = gates.checklist_for(cycle, Phase.DATA)
    context["waiver_form"] = waiver_form or WaiverForm(
        initial={
            "waived": cycle.analyses_waived,
            "reason": cycle.analyses_waiver_reason,
            "analyses_due": cycle.analyses_due,
        }
    )
    context["waiver_url"] = reverse("cycles:waiver", args=[cycle.municipality.slug, cycle.pk])
    context["waiver_form"].auto_id = "waiver-form-%s"
    context["carried_goals"] = selectors.carried_goals(cycle=cycle)
    from cycles.views.data import starting_point  # data.py imports this module's saved()

    context["starting_point"] = starting_point(cycle)
    return context


def _duiden_context(request, cycle, session_form=None, finding_form=None) -> dict:
    context = base_context(request, cycle, "duiden")
    sessions = selectors.cycle_sessions(cycle=cycle)
    row_urls(
        cycle,
        sessions,
        edit_url="cycles:session_edit",
        attachment_add_url="cycles:attachment_add",
        delete_url="cycles:session_delete",
    )
    row_urls(
        cycle,
        [a for s in sessions for a in s.attachment_list],
        download_url="cycles:attachment_download",
    )
    context["sessions"] = sessions
    findings = selectors.cycle_findings(cycle=cycle)
    row_urls(cycle, findings, edit_url="cycles:finding_edit", delete_url="cycles:finding_delete")
    context["findings"] = findings
    context["session_form"] = session_form or SessionForm(cycle=cycle)
    context["finding_form"] = finding_form or FindingForm(cycle=cycle)
    context["session_form"].auto_id = "session-add-%s"
    context["finding_form"].auto_id = "finding-add-%s"
    return context


# Goals per page on Doelen and Doen: the pages then take as long with thirty goals as with three
# (issue 23's 1.3× growth from 1× to 10× data); a cycle usually has a handful of goals.
GOALS_PER_PAGE = 5


def goal_page_number(position: int) -> int:
    """The page of goals (1, 2, …) that holds the goal at ``position`` (0-based, by pk)."""
    return position // GOALS_PER_PAGE + 1


def goal_page_url(slug: str, cycle_pk: int, page: str, number: int, anchor: str) -> str:
    """Doelen or Doen at the page of goals ``number``, scrolled to ``anchor``."""
    url = reverse(f"cycles:{page}", args=[slug, cycle_pk])
    query = f"?{urlencode({PAGE_PARAMETER: number})}" if number > 1 else ""
    return f"{url}{query}#{anchor}"


# A larger ?pagina= is first checked against the number of goals, not read: its offset could
# pass what the database accepts, and every page number read is a query compiled once.
MAX_GOAL_PAGE = 1000


def _requested_page(request) -> int | None:
    """``?pagina=`` as ``Paginator.get_page`` reads it: 1 for anything that is not a whole
    number, None (the last page) for a number below 1."""
    try:
        number = int(request.GET.get(PAGE_PARAMETER))
    except (TypeError, ValueError):
        return 1
    return number if number >= 1 else None


def _goal_page(request, cycle, number, *, progress: bool = False, **parts) -> dict:
    """One page of the cycle's goals with what ``parts`` asks for them: ``?pagina=`` or, after a
    save, the ``number`` of the page that holds the saved goal. The page's query also counts the
    cycle's goals and, with ``progress``, gives the cycle's progress (``cycle_progress_of``); a
    number past the last page shows the last page (as ``Paginator.get_page``), read again."""
    query = ""
    if number is None:
        number = _requested_page(request)
        params = request.GET.copy()
        params.pop(PAGE_PARAMETER, None)
        query = params.urlencode()

    def read(number):
        return selectors.cycle_goal_page(
            cycle=cycle, number=number, per_page=GOALS_PER_PAGE, progress=progress
        )

    rows = read(number) if number is not None and number <= MAX_GOAL_PAGE else []
    if not rows and number != 1:
        last = Paginator(range(selectors.cycle_goal_count(cycle=cycle)), GOALS_PER_PAGE).num_pages
        number = last if number is None else min(number, last)
        rows = read(number)
    paginator = Paginator([], GOALS_PER_PAGE)
    paginator.count = selectors.cycle_total_of(rows)  # the count from the page's own query
    page = Page(selectors.with_progress(rows, **parts), number, paginator)
    context = {"goals": page.object_list, "page_obj": page, "query": query}
    if progress:
        context["progress"] = selectors.cycle_progress_of(rows)
    return context


def _doelen_context(request, cycle, number=None) -> dict:
    context = base_context(request, cycle, "doelen")
    context.update(_goal_page(request, cycle, number, facts=True, revisions=True))
    row_urls(
        cycle,
        context["goals"],
        edit_url="cycles:goal_edit",
        delete_url="cycles:goal_delete",
        activity_add_url="cycles:activity_add",
    )
    # The add form (school and intervention pickers) is a page of its own, loaded on request.
    context["can_add_goal"] = context["can"]["goal"] and not context["goal_fixed"]
    return context


def _doen_context(request, cycle, number=None) -> dict:
    context = base_context(request, cycle, "doen")
    context.update(_goal_page(request, cycle, number, progress=True, facts=True, activities=True))
    goals = context["goals"]
    row_urls(cycle, goals, edit_url="cycles:goal_edit", activity_add_url="cycles:activity_add")
    row_urls(
        cycle,
        [a for goal in goals for a in goal.activity_list],
        progress_url="cycles:progress_add",
        edit_url="cycles:activity_edit",
        delete_url="cycles:activity_delete",
    )
    return context


def _evaluatie_context(request, cycle, evaluation_form=None) -> dict:
    context = base_context(request, cycle, "evaluatie")
    context["goals"] = selectors.cycle_goals(
        cycle=cycle, facts=False, activities=False, revisions=False
    )
    context["progress"] = selectors.cycle_progress(cycle=cycle)
    context["evaluation_form"] = evaluation_form or EvaluationForm(instance=cycle)
    return context


PAGES = {
    "data": ("cycles/data.html", _data_context),
    "duiden": ("cycles/duiden.html", _duiden_context),
    "doelen": ("cycles/doelen.html", _doelen_context),
    "doen": ("cycles/doen.html", _doen_context),
    "evaluatie": ("cycles/evaluatie.html", _evaluatie_context),
}


def _phase_page(page: str):
    template, build = PAGES[page]

    @require_GET
    @vary_on_headers("HX-Request")
    @tenant_view()
    def view(request: HttpRequest, municipality: Municipality, cycle_pk: int) -> HttpResponse:
        cycle = selectors.cycle_get(municipality=municipality, pk=cycle_pk)
        return render(request, template, build(request, cycle))

    view.__name__ = view.__qualname__ = f"{page}_page"
    return view


data_page = _phase_page("data")
duiden_page = _phase_page("duiden")
doelen_page = _phase_page("doelen")
doen_page = _phase_page("doen")
evaluatie_page = _phase_page("evaluatie")


def saved(
    request, cycle, page: str, section: str, message: str, *, goal_pk=None, anchor=""
) -> HttpResponse:
    """After a successful write: the refreshed section for htmx, else a redirect to the page.
    On Doelen and Doen (``goal_pk``): the page of goals that holds that goal, and for a redirect
    the ``anchor`` of what was saved (the goal's by default)."""
    template, build = PAGES[page]
    number = None
    if goal_pk is not None:
        number = selectors.goal_page_number(cycle=cycle, goal_pk=goal_pk, per_page=GOALS_PER_PAGE)
    if request.htmx:
        extra = {} if number is None else {"number": number}
        response = render(request, f"{template}#{section}", build(request, cycle, **extra))
        # The confirmation goes out of band into the page's live region, so a screen reader
        # announces it although no new page loads.
        response.content += render_to_string(
            "includes/messages_oob.html", {"message": message}, request=request
        ).encode()
        return response
    messages.success(request, message)
    if number is None:
        url = reverse(f"cycles:{page}", args=[cycle.municipality.slug, cycle.pk])
        return redirect(f"{url}#{section}")
    anchor = anchor or f"goal-{goal_pk}"
    return redirect(goal_page_url(cycle.municipality.slug, cycle.pk, page, number, anchor))
