"""A page served from the page cache works in a real browser like a rendered one: scripts load
under the Content-Security-Policy (any violation fails the test), htmx updates it, axe passes."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, login
from tests.e2e.test_schools import officer  # noqa: F401 - the fixture: Utrecht's policy officer
from tests.factories import TEST_PASSWORD


def test_a_cached_school_list_works_like_a_rendered_one(page, officer):  # noqa: F811
    login(page, officer.email, TEST_PASSWORD)
    first = page.goto("/g/utrecht/scholen/")
    assert first.headers.get("x-page-cache") == "miss"
    again = page.reload()
    assert again.headers.get("x-page-cache") == "hit"
    table = page.locator("#school-results")
    expect(table).to_contain_text("4 schoolvestigingen gevonden")
    assert_accessible(page, "schools-list-cached")
    # htmx (a script of the cached page) still drives the live search.
    page.get_by_role("searchbox", name="Zoeken").press_sequentially("café", delay=40)
    expect(table).to_contain_text("2 schoolvestigingen gevonden")
    expect(page).to_have_url(re.compile(r"q=caf"))
    # The menu's logout form carries a CSRF token that is valid for this browser.
    page.locator("details.header-menu--user summary").click()
    with page.expect_response(lambda r: r.request.method == "POST") as logout:
        page.get_by_role("button", name="Uitloggen").click()
    assert logout.value.status == 302  # a CSRF failure would be a 403
    # Logged out, the cached page is not served: the login page is.
    page.goto("/g/utrecht/scholen/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
