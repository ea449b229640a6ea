"""The advisor portfolio: overview, comparisons, export and bulk actions.

These pages live outside ``/g/<slug>/``: they span municipalities. Their boundary is
``advisor_municipalities(user)`` — every read starts from it and every bulk action validates the
posted ids against it, so a tampered id of another municipality is refused, never acted on.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from core.downloads import private_download
from core.npo import NPO_LAST_MOMENT
from municipalities.access import advisor_municipalities, advisor_view, memberships_active
from municipalities.forms import AdvisedMunicipalitiesForm
from municipalities.models import ReadLogEntry
from municipalities.pagecache import cached_page
from municipalities.readlog import read_logged, read_subject
from portfolio import comparisons, selectors
from portfolio.exports import portfolio_xlsx
from portfolio.forms import PortfolioFilterForm
from portfolio.services import portfolio_send_reminders


def _advised_ids(request: HttpRequest) -> list[int]:
    """The municipalities the portfolio page shows: its cached copy follows their data."""
    return list(advisor_municipalities(request.user).values_list("pk", flat=True))


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _rows(request: HttpRequest) -> tuple[PortfolioFilterForm, list, list]:
    form = PortfolioFilterForm(request.GET or None)
    filters = form.filters()
    rows = selectors.portfolio_rows(
        user=request.user, municipalities=request.advisor_municipalities
    )
    return form, rows, selectors.portfolio_filter_sort(rows, **filters)


@require_GET
@vary_on_headers("HX-Request")
@cached_page(_advised_ids)
@advisor_view
def portfolio(request: HttpRequest) -> HttpResponse:
    """One row per municipality the user advises; filters and sorting re-render the table."""
    context = _portfolio_context(request)
    template = "portfolio/portfolio.html"
    if request.htmx and not request.htmx.boosted:
        template += "#portfolio-table"
    else:
        context["other_memberships"] = _other_memberships(request)
    return render(request, template, context)


def _other_memberships(request: HttpRequest) -> list:
    """The user's other memberships, for the links below the table. The user's active
    memberships are read once (``memberships_active``, as on a tenant page): the header's
    municipality switcher takes them from ``request.user_memberships`` too."""
    request.user_memberships = memberships_active(request.user)
    return selectors.other_memberships(memberships=request.user_memberships)


def _portfolio_context(request: HttpRequest) -> dict:
    form, all_rows, rows = _rows(request)
    request.portfolio_is_advisor = bool(all_rows)  # spares the header its own query
    filters = form.filters()
    query = request.GET.copy()
    query.pop("sort", None)
    context = {
        "form": form,
        "rows": rows,
        "total": len(all_rows),
        "sort": filters["sort"],
        "sort_base": reverse("portfolio:index") + "?" + (f"{query.urlencode()}&" if query else ""),
        "export_query": request.GET.urlencode(),
        "stale_weeks": selectors.settings.PORTFOLIO_STALE_WEEKS,
        "last_moment": NPO_LAST_MOMENT,
    }
    return context


@require_GET
@read_logged(ReadLogEntry.Kind.EXPORT)
@advisor_view
def portfolio_export(request: HttpRequest) -> HttpResponse:
    """The rows as shown (same filters and order) as an XLSX file; the read log gets a row for
    each municipality in it."""
    _form, _all_rows, rows = _rows(request)
    read_subject(request, municipality_ids=[row.municipality.pk for row in rows])
    stamp = timezone.localdate().isoformat()
    return private_download(
        portfolio_xlsx(rows), filename=f"portfolio-{stamp}.xlsx", content_type=XLSX
    )


@require_GET
@advisor_view
def portfolio_comparisons(request: HttpRequest) -> HttpResponse:
    municipalities = list(request.advisor_municipalities)
    context = {"municipalities": municipalities}
    if municipalities:
        spending, year = comparisons.spending_per_pupil(municipalities=municipalities)
        context.update(
            spending=spending,
            pupil_year=year,
            delays=comparisons.large_delays(municipalities=municipalities),
            interventions=comparisons.chosen_interventions(municipalities=municipalities),
        )
    return render(request, "portfolio/comparisons.html", context)


@require_POST
@advisor_view
def portfolio_reminders(request: HttpRequest) -> HttpResponse:
    """Send analysis reminders for the selected municipalities (advisor's own only)."""
    form = AdvisedMunicipalitiesForm(request.POST, municipalities=request.advisor_municipalities)
    if not form.is_valid():
        # The page again, with the error at the selection and in the error summary (not a banner).
        context = {**_portfolio_context(request), "bulk_form": form}
        context["other_memberships"] = _other_memberships(request)
        return render(request, "portfolio/portfolio.html", context, status=400)
    result = portfolio_send_reminders(
        municipalities=list(form.cleaned_data["municipalities"]),
        user=request.user,
        site_url=request.build_absolute_uri("/"),
    )
    messages.success(request, result.message())
    return redirect(reverse("portfolio:index"))
