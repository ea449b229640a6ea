"""A URLconf for the read-log tests: one tenant page that is both cached and logged, and the
same page cached only (the control that shows the cache works in the test)."""

from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.urls import path

from municipalities.access import tenant_view
from municipalities.models import ReadLogEntry
from municipalities.pagecache import cached_tenant_page
from municipalities.readlog import read_logged


def _page(request, municipality):
    get_token(request)  # sets the CSRF cookie, as every page with a form does
    return HttpResponse(f"<p>{municipality.name}</p>")


urlpatterns = [
    path(
        "g/<slug:municipality_slug>/logged/",
        read_logged(ReadLogEntry.Kind.TEAM)(cached_tenant_page(tenant_view()(_page))),
        name="logged",
    ),
    path(
        "g/<slug:municipality_slug>/plain/",
        cached_tenant_page(tenant_view()(_page)),
        name="plain",
    ),
]
