"""``current_theme`` in every template: the page's municipality's theme, kept in the cache."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from core import cache as core_cache
from municipalities import pagecache
from theming.context_processors import theme as theme_context
from theming.models import MunicipalityTheme
from theming.selectors import theme_cached, theme_forget_all
from theming.services import theme_update

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    from django.core.cache import cache

    cache.clear()


def test_a_tenant_page_gets_its_municipalitys_theme(officer_client, municipality):
    theme_update(municipality=municipality, token_set="rood", name_form="Stad Utrecht")
    response = officer_client.get(reverse("municipalities:dashboard", args=[municipality.slug]))
    current = response.context["current_theme"]
    assert current and current.token_set == "rood" and current.display_name == "Stad Utrecht"


def test_outside_a_municipality_it_is_none(officer_client):
    response = officer_client.get(reverse("home"), follow=True)
    assert not response.context["current_theme"]


def test_it_is_lazy_a_page_that_does_not_ask_pays_nothing(municipality, django_assert_num_queries):
    from django.core.cache import cache

    cache.clear()  # nothing kept: asking costs the query
    request = RequestFactory().get("/")
    request.municipality = municipality
    with django_assert_num_queries(0):
        context = theme_context(request)
    with django_assert_num_queries(1):
        assert not context["current_theme"]  # no theme: the default


def test_kept_until_the_theme_changes(municipality, django_assert_num_queries):
    assert pagecache.enabled()
    theme_update(municipality=municipality, token_set="rood", name_form="Stad Utrecht")
    assert theme_cached(municipality=municipality).token_set == "rood"
    with django_assert_num_queries(0):
        kept = theme_cached(municipality=municipality)
        assert kept.token_set == "rood"
        assert kept.display_name == "Stad Utrecht"  # the municipality is not read again
    theme_update(municipality=municipality, token_set="groen")
    assert theme_cached(municipality=municipality).token_set == "groen"
    MunicipalityTheme.objects.for_municipality(municipality).delete()
    assert theme_cached(municipality=municipality) is None
    with django_assert_num_queries(0):
        assert theme_cached(municipality=municipality) is None  # "no theme" is kept too


def test_other_writes_of_the_municipality_keep_it(municipality, django_assert_num_queries):
    theme_update(municipality=municipality, token_set="rood")
    theme_cached(municipality=municipality)
    pagecache.changed(municipalities=[municipality.pk])  # any other tenant write
    with django_assert_num_queries(0):
        assert theme_cached(municipality=municipality).token_set == "rood"


def test_each_municipality_has_its_own(municipality, other_municipality):
    theme_update(municipality=municipality, token_set="rood")
    theme_update(municipality=other_municipality, token_set="groen")
    assert theme_cached(municipality=municipality).token_set == "rood"
    assert theme_cached(municipality=other_municipality).token_set == "groen"
    theme_update(municipality=other_municipality, token_set="voorbeeld")
    assert theme_cached(municipality=municipality).token_set == "rood"
    assert theme_cached(municipality=other_municipality).token_set == "voorbeeld"


def test_a_copy_read_before_a_write_is_not_served_after_it(municipality):
    theme_update(municipality=municipality, token_set="rood")
    theme_cached(municipality=municipality)
    from django.core.cache import cache

    from theming.selectors import _entry_key

    stale = cache.get(_entry_key(municipality.pk))
    theme_update(municipality=municipality, token_set="groen")
    cache.set(_entry_key(municipality.pk), stale)  # a slow request stores what it read before
    assert theme_cached(municipality=municipality).token_set == "groen"


def test_after_a_cache_outage_nothing_kept_is_served(municipality):
    theme_update(municipality=municipality, token_set="rood")
    theme_cached(municipality=municipality)
    # A theme write during the outage could not replace its version (here: an update() that
    # sends no signal); the cache's recovery hooks replace the generation of every kept theme.
    MunicipalityTheme.objects.for_municipality(municipality).update(token_set="groen")
    assert theme_cached(municipality=municipality).token_set == "rood"
    assert theme_forget_all in core_cache._recovery_hooks
    core_cache._outage.set()
    core_cache._recover()
    assert theme_cached(municipality=municipality).token_set == "groen"


def test_a_new_municipality_starts_with_no_theme_kept(django_assert_num_queries):
    from tests.factories import MunicipalityFactory

    created = MunicipalityFactory(name="Nieuwegein", slug="nieuwegein")
    with django_assert_num_queries(0):
        assert theme_cached(municipality=created) is None


def test_reference_and_other_writes_keep_it(municipality, django_assert_num_queries):
    theme_update(municipality=municipality, token_set="rood")
    theme_cached(municipality=municipality)
    pagecache.changed(reference=True)  # a school's figures, the reference data
    pagecache.retire_all()
    with django_assert_num_queries(0):
        assert theme_cached(municipality=municipality).token_set == "rood"


def test_without_the_page_cache_it_reads_the_database(
    municipality, settings, django_assert_num_queries
):
    settings.PAGE_CACHE_SECONDS = 0
    theme_update(municipality=municipality, token_set="rood")
    with django_assert_num_queries(1):
        assert theme_cached(municipality=municipality).token_set == "rood"
    theme_update(municipality=municipality, token_set="groen")
    assert theme_cached(municipality=municipality).token_set == "groen"
