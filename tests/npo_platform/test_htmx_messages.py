"""An htmx save's message goes out of band into the page's live region (any page, not only the
4D cycle's), and is not shown a second time on the next full page."""

import pytest
from django.contrib import messages
from django.http import HttpResponse
from django.urls import include, path

pytestmark = pytest.mark.django_db


def save(request):
    messages.success(request, "Toekenning opgeslagen.")
    return HttpResponse("<table id='rows'></table>")


def save_with_own_region(request):
    messages.success(request, "Blijft staan.")
    return HttpResponse('<div id="messages" hx-swap-oob="innerHTML"><p>Eigen</p></div>')


urlpatterns = [
    path("test-save/", save),
    path("test-own/", save_with_own_region),
    path("", include("npo_platform.urls")),
]


@pytest.fixture
def urls(settings):
    settings.ROOT_URLCONF = __name__


def test_an_htmx_save_announces_its_message_in_the_live_region(officer_client, urls):
    body = officer_client.post("/test-save/", headers={"HX-Request": "true"}).content.decode()
    assert body.startswith("<table id='rows'></table>")
    assert body.endswith(
        '<div id="messages" hx-swap-oob="innerHTML">'
        '<p class="utrecht-alert utrecht-alert--ok">Toekenning opgeslagen.</p></div>'
    )
    # Shown once: the next full page does not repeat it.
    assert "Toekenning opgeslagen." not in officer_client.get("/g/utrecht/").content.decode()


def test_without_htmx_the_message_waits_for_the_next_page(officer_client, urls):
    body = officer_client.post("/test-save/").content.decode()
    assert "hx-swap-oob" not in body
    assert "Toekenning opgeslagen." in officer_client.get("/g/utrecht/").content.decode()


def test_a_response_that_fills_the_region_itself_is_left_alone(officer_client, urls):
    body = officer_client.post("/test-own/", headers={"HX-Request": "true"}).content.decode()
    assert body.count('id="messages"') == 1
