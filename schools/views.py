from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from core.pagination import paginate
from municipalities.access import tenant_view
from municipalities.models import EDITOR_ROLES, Municipality
from municipalities.pagecache import cached_tenant_page
from schools import selectors, services
from schools.charts import pupil_chart_svg
from schools.forms import PartnerForm, SchoolFilterForm

SCHOOLS_PER_PAGE = 50


@require_GET
@vary_on_headers("HX-Request")
@cached_tenant_page
@tenant_view()
def school_list(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    options = selectors.school_filter_options(municipality=municipality)
    form = SchoolFilterForm(request.GET, options=options)
    filters = form.filters()
    year = selectors.latest_pupil_year()
    read = selectors.school_page_reader(municipality=municipality, year=year, **filters)
    page, query = paginate(
        request,
        lambda: selectors.school_search(municipality=municipality, year=year, **filters),
        SCHOOLS_PER_PAGE,
        count_with_rows=True,
        read=read,
    )
    context = {
        "municipality": municipality,
        "form": form,
        "page": page,
        "year": year,
        "filters": filters,
        "query": query,
    }
    template = "schools/school_list.html"
    if request.htmx and not request.htmx.boosted:
        template += "#school-table"
    return render(request, template, context)


@require_GET
@tenant_view()
def school_detail(request: HttpRequest, municipality: Municipality, school_pk: int) -> HttpResponse:
    school = selectors.school_get(municipality=municipality, pk=school_pk)
    history = selectors.school_pupil_history(school=school)
    return render(
        request,
        "schools/school_detail.html",
        {
            "municipality": municipality,
            "school": school,
            "history": history,
            "chart": pupil_chart_svg(history, title=_("Leerlingen per jaar (1 oktober)")),
            "weights": selectors.school_weights(school=school),
            "partners": selectors.school_partners(school=school),
        },
    )


@require_GET
@tenant_view()
def partner_list(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    show_all = request.GET.get("status") == "alle"
    return render(
        request,
        "schools/partner_list.html",
        {
            "municipality": municipality,
            "partners": selectors.partner_list(
                municipality=municipality, include_inactive=show_all
            ),
            "show_all": show_all,
            "can_edit": request.membership.can_edit,
        },
    )


@require_http_methods(["GET", "POST"])
@tenant_view(roles=EDITOR_ROLES)
def partner_create(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    form = PartnerForm(request.POST or None, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        partner = services.partner_create(
            municipality=municipality,
            name=data["name"],
            kind=data["kind"],
            contact_name=data["contact_name"],
            contact_email=data["contact_email"],
            schools=list(data["schools"]),
        )
        messages.success(request, _("Partnerorganisatie %(name)s toegevoegd.") % {"name": partner})
        return redirect("schools:partner_list", municipality_slug=municipality.slug)
    return render(
        request,
        "schools/partner_form.html",
        {"municipality": municipality, "form": form, "partner": None},
    )


@require_http_methods(["GET", "POST"])
@tenant_view(roles=EDITOR_ROLES)
def partner_edit(request: HttpRequest, municipality: Municipality, partner_pk: int) -> HttpResponse:
    partner = selectors.partner_get(municipality=municipality, pk=partner_pk)
    form = PartnerForm(request.POST or None, instance=partner, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.partner_update(
            partner=partner,
            schools=list(data.pop("schools")),
            **{k: data[k] for k in ("name", "kind", "contact_name", "contact_email")},
        )
        messages.success(request, _("Partnerorganisatie %(name)s opgeslagen.") % {"name": partner})
        return redirect("schools:partner_list", municipality_slug=municipality.slug)
    return render(
        request,
        "schools/partner_form.html",
        {"municipality": municipality, "form": form, "partner": partner},
    )


@require_POST
@tenant_view()
def partner_toggle_active(
    request: HttpRequest, municipality: Municipality, partner_pk: int
) -> HttpResponse:
    partner = selectors.partner_get(municipality=municipality, pk=partner_pk)
    activate = request.POST.get("actief") == "1"
    services.partner_set_active(partner=partner, is_active=activate)
    if activate:
        messages.success(request, _("%(name)s is weer actief.") % {"name": partner})
    else:
        messages.success(request, _("%(name)s is gedeactiveerd.") % {"name": partner})
    return redirect("schools:partner_list", municipality_slug=municipality.slug)
