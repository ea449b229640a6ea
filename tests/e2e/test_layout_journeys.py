"""Each role's pages at desktop (1280 px) and phone (390 px) width, on the demo data.

On every page: the document is no wider than the window (wide tables scroll inside their own
labelled, focusable region), no link, button or field is covered by another element (checked with
``elementFromPoint`` at each visible clickable's centre, after scrolling it into view), axe-core
finds no WCAG 2.1 A/AA violation, and the browser logs no console error. Every page is built
from the NL Design System (issue 21): the Utrecht page header, body and footer, every button,
table and form control with its Utrecht class, and none of the hand-written component classes of
before. One test seeds the demo once and walks all four roles, then a few pages again in the
shipped `rood` and `groen` house styles (axe), so the whole sweep stays within about a minute and
a half; it reports every problem it finds, not only the first.
"""

import re

import pytest
from django.core.management import call_command

from municipalities.demo import DEMO_PASSWORD
from tests.budgets.factories import AllocationFactory
from tests.e2e.conftest import WCAG_TAGS, _axe, login
from tests.factories import MunicipalityFactory, SchoolFactory

WIDTHS = (1280, 390)

# The hand-written component classes the NL Design System replaced; none may be left on a page.
OLD_COMPONENT_CLASSES = (
    "button", "button--secondary", "button--danger", "button--small", "link-button", "actions",
    "badge", "badge--ok", "badge--warn", "badge--error", "error-summary", "messages", "message",
    "message--success", "message--warning", "message--error", "notice", "table", "table-wrap",
    "field", "field--error", "field-error", "site-header", "site-footer", "tenant-nav",
    "header-nav", "skip-link", "pagination", "breadcrumb", "brand", "lead",
)  # fmt: skip

# The NL Design System on the page: the Utrecht page parts, and every button, table and form
# control with its Utrecht class.
NLDS_CHECK = """(old) => {
  const problems = [];
  for (const part of ['utrecht-page-header', 'utrecht-page-body', 'utrecht-page-footer']) {
    if (!document.querySelector('.' + part)) problems.push(`no .${part}`);
  }
  if (!document.documentElement.matches('.voorbeeld-theme.npo-theme')) problems.push('no theme classes on <html>');
  const name = (el) => `${el.tagName} "${(el.textContent || el.name || el.id || '').trim().replace(/\\s+/g, ' ').slice(0, 40)}"`;
  for (const el of document.querySelectorAll('button, input[type=submit]')) {
    if (!el.matches('.utrecht-button, .utrecht-link-button')) problems.push(`${name(el)} is no Utrecht button`);
  }
  for (const el of document.querySelectorAll('table')) {
    if (!el.matches('.utrecht-table')) problems.push(`a table without .utrecht-table`);
  }
  // Amounts line up on the right (the component's own cell rule says start, more specifically).
  const numeric = document.querySelector('.utrecht-table__cell--numeric-data');
  if (numeric && !['end', 'right'].includes(getComputedStyle(numeric).textAlign)) {
    problems.push(`a numeric cell is aligned ${getComputedStyle(numeric).textAlign}`);
  }
  const controls = {
    'input:not([type]), input[type=text], input[type=email], input[type=password], input[type=number], input[type=date], input[type=search], input[type=url], input[type=tel]': 'utrecht-textbox',
    'input[type=checkbox]': 'utrecht-checkbox', 'input[type=radio]': 'utrecht-radio-button',
    'select': 'utrecht-select', 'textarea': 'utrecht-textarea',
  };
  for (const [selector, cls] of Object.entries(controls)) {
    for (const el of document.querySelectorAll(selector)) {
      if (!el.classList.contains(cls)) problems.push(`${name(el)} without .${cls}`);
    }
  }
  for (const cls of old) {
    const found = document.querySelector('.' + CSS.escape(cls));
    if (found) problems.push(`old class .${cls} on ${name(found)}`);
  }
  return problems;
}"""

# A clickable is covered when the element at its centre is neither it, inside it, nor around it.
# Elements in a closed <details>, visually hidden ones and the skip link are not on screen.
LAYOUT_CHECK = """() => {
  const problems = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > doc.clientWidth + 1) {
    problems.push(`page is ${doc.scrollWidth} px wide in a ${doc.clientWidth} px window`);
  }
  const clickables = document.querySelectorAll(
    'a[href], button, summary, input:not([type=hidden]), select, textarea');
  for (const el of Array.from(clickables).slice(0, 200)) {
    if (el.closest('.visually-hidden, .utrecht-skip-link')) continue;
    const closed = el.closest('details:not([open])');
    if (closed && !(el.tagName === 'SUMMARY' && el.parentElement === closed)) continue;
    if (getComputedStyle(el).visibility === 'hidden') continue;
    let box = el.getBoundingClientRect();
    if (!box.width || !box.height) continue;
    el.scrollIntoView({block: 'center', inline: 'center'});
    box = el.getBoundingClientRect();
    const x = box.left + box.width / 2, y = box.top + box.height / 2;
    const name = (el.textContent || el.name || el.id || '').trim().replace(/\\s+/g, ' ').slice(0, 50);
    if (x < 0 || y < 0 || x > innerWidth || y > innerHeight) {
      problems.push(`${el.tagName} "${name}" cannot be scrolled into view`);
      continue;
    }
    const hit = document.elementFromPoint(x, y);
    if (hit && hit !== el && !el.contains(hit) && !hit.contains(el)) {
      problems.push(`${el.tagName} "${name}" is covered by ${hit.tagName}.${hit.className}`);
    }
  }
  window.scrollTo(0, 0);
  return problems;
}"""


def _cycle_pages(page, *, with_form: bool = True) -> list[str]:
    page.goto("/g/utrecht/cycli/")
    hrefs = page.locator("main a[href*='/cycli/']").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    cycle = next(h for h in hrefs if re.search(r"/cycli/\d+/$", h))
    if not with_form:
        return [cycle]
    page.goto(cycle + "doen/")
    add_activity = page.locator("main a[href*='/activiteiten/nieuw/']").first.get_attribute("href")
    return [cycle, cycle + "duiden/", cycle + "doelen/", cycle + "doen/", add_activity]


ROLES = {
    "beleid@utrecht.demo": lambda page: [
        "/g/utrecht/",
        *_cycle_pages(page),
        "/g/utrecht/budget/",
        "/g/utrecht/budget/toekenningen/",
        "/g/utrecht/budget/verplichtingen/",
        "/g/utrecht/rapportages/",
        "/g/utrecht/schoolanalyses/",
        "/g/utrecht/partners/",
        "/g/utrecht/team/",
        # The close-out (issue 17) and the notifications (issue 22).
        "/g/utrecht/eindverantwoording/",
        "/g/utrecht/eindverantwoording/npo-gemeenten/",
        "/g/utrecht/eindverantwoording/voortzetting/",
        "/meldingen/",
        "/meldingen/instellingen/",
    ],
    "adviseur@npo-advies.demo": lambda page: [
        "/portfolio/",
        "/portfolio/vergelijking/",
        # "Raadsinformatiebrieven" in its heading once made this page 429 px wide at 390 px.
        "/rapportages/bulk/?kind=raadsinformatiebrief",
    ],
    "wethouder@utrecht.demo": lambda page: [
        "/g/utrecht/",
        *_cycle_pages(page, with_form=False),
        "/g/utrecht/budget/",
    ],
    # "Mijn analyse" leads the school to its own analysis.
    "ib@school-utrecht.demo": lambda page: ["/g/utrecht/", "/g/utrecht/schoolanalyses/mijn/"],
    # The accountant reads the money only: the dashboard's budget panel and the budget pages.
    "accountant@utrecht.demo": lambda page: ["/g/utrecht/", "/g/utrecht/budget/"],
}


def _console_error(errors: list[str], msg) -> None:
    if msg.type == "error":
        errors.append(msg.text)


@pytest.fixture
def demo(transactional_db, settings):
    settings.DEMO_REPORTS = True
    # Utrecht with a few school locations first (the full DUO files take too long to load here),
    # so the demo gives it school analyses and school users; and an estimated allocation with
    # the long explanation that once made the allocations table 3,416 px wide.
    utrecht = MunicipalityFactory(name="Utrecht", cbs_code="GM0344", slug="utrecht")
    for n in range(8):
        SchoolFactory(municipality=utrecht, name=f"Christelijke Basisschool De Wegwijzer {n}")
    call_command("seed_demo", "--force", verbosity=0)
    AllocationFactory(
        municipality=utrecht,
        period="2025-2026",
        is_estimate=True,
        estimate_basis="Schatting, geen beschikking: 32.579 leerlingen in het primair onderwijs "
        "op 1 oktober 2020 (143 vestigingen, DUO) × € 118,11 = € 3.847.905,69, gelijk verdeeld.",
    )


def test_every_role_at_desktop_and_phone_width(browser, live_server, e2e_settings, demo):
    problems: list[str] = []
    for email, pages in ROLES.items():
        for width in WIDTHS:
            context = browser.new_context(
                base_url=live_server.url, locale="nl-NL", viewport={"width": width, "height": 900}
            )
            page = context.new_page()
            page.set_default_timeout(10_000)
            errors: list[str] = []
            page.on("console", lambda msg, errors=errors: _console_error(errors, msg))
            page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
            login(page, email, DEMO_PASSWORD)
            for path in pages(page):
                response = page.goto(path)
                where = f"{email} {width}px {path}"
                assert response.ok, f"{where}: HTTP {response.status}"
                problems += [f"{where}: {p}" for p in page.evaluate(LAYOUT_CHECK)]
                if width == WIDTHS[0]:  # the classes do not depend on the width
                    problems += [
                        f"{where}: {p}"
                        for p in page.evaluate(NLDS_CHECK, list(OLD_COMPONENT_CLASSES))
                    ]
                violations = _axe.run(
                    page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}}
                ).response["violations"]
                problems += [
                    f"{where}: axe {v['id']} at {[n['target'] for n in v['nodes']][:3]}"
                    for v in violations
                ]
                problems += [f"{where}: console error {e}" for e in errors]
                errors.clear()
            context.close()
    problems += _themed_pages(browser, live_server)
    assert not problems, "\n".join(problems)


# A few pages in each shipped municipal house style: a red header, green buttons (issue 21).
HEADER_COLOURS = {"rood": "rgb(163, 18, 42)", "groen": "rgb(230, 242, 234)"}  # theming/themes/
THEMED_PAGES = ["/g/utrecht/", "/g/utrecht/budget/", "/g/utrecht/team/", "/g/utrecht/partners/"]


def _themed_pages(browser, live_server) -> list[str]:
    from municipalities.audit import audit_context
    from municipalities.models import Municipality
    from theming.services import theme_update

    problems: list[str] = []
    utrecht = Municipality.objects.get(slug="utrecht")
    context = browser.new_context(
        base_url=live_server.url, locale="nl-NL", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    login(page, "beleid@utrecht.demo", DEMO_PASSWORD)
    for token_set in ("rood", "groen"):
        # As staff would: the service (contrast check), inside an audit block of its own, since a
        # live-server request may be writing its own audited rows at the same moment.
        with audit_context(event=""):
            theme_update(municipality=utrecht, token_set=token_set)
        for path in THEMED_PAGES:
            response = page.goto(path)
            where = f"{token_set} {path}"
            assert response.ok, f"{where}: HTTP {response.status}"
            header = page.evaluate(
                "() => getComputedStyle(document.querySelector('.utrecht-page-header'))"
                ".backgroundColor"
            )
            if header != HEADER_COLOURS[token_set]:
                problems.append(f"{where}: header {header}, not the theme's colour")
            violations = _axe.run(
                page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}}
            ).response["violations"]
            problems += [
                f"{where}: axe {v['id']} at {[n['target'] for n in v['nodes']][:3]}"
                for v in violations
            ]
    context.close()
    return problems
