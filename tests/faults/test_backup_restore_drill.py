"""Backup → wipe → restore drill (issue 20): on the demo data, every page and download that the
demo users reach answers after the restore exactly as before the backup.

The drill crawls, as each demo user, every same-site link from the user's start pages (the
dashboard, the portfolio) two levels deep: pages and downloads (report PDFs, letters, exports).
It records each answer, takes ``manage.py backup``, wipes the installation (every table emptied,
every media file deleted: what a new machine has), runs ``manage.py restore`` and crawls again.

Compared: the status of every URL; downloads byte for byte; pages by their text, with what is
made per request masked (workbooks by their cell values, CSRF tokens, CSP nonces, the clock time in "stand …" lines, the random
element ids of charts drawn per request). The read log and the activity log are compared by
status only: the crawls themselves write to them (a read, a login).
"""

import hashlib
import io
import re
import shutil
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import openpyxl
import pytest
from django.core.management import call_command
from django.db import connection

from municipalities.demo import DEMO_PASSWORD  # noqa: F401 - the demo users' password
from municipalities.models import User
from tests.factories import MunicipalityFactory, SchoolFactory

DEMO_USERS = {
    "adviseur@npo-advies.demo": ["/portfolio/", "/g/utrecht/"],
    "wethouder@utrecht.demo": ["/g/utrecht/"],
    "accountant@utrecht.demo": ["/g/utrecht/"],
    "ib@school-utrecht.demo": ["/g/utrecht/"],
}
DEPTH = 2
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SAME_SITE = re.compile(r"^/(g/|portfolio/|rapportages/|accounts/sessies/)")
NOT_FOLLOWED = re.compile(r"/(uitloggen|logout|i18n)/|/leeslog/|/activiteiten/")
STATUS_ONLY = re.compile(r"/leeslog/|/activiteiten/")
VOLATILE = [
    (re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"'), "csrf"),
    (re.compile(r'nonce="[^"]+"'), "nonce"),
    (re.compile(r'"X-CSRFToken": "[^"]+"'), "csrf"),
    # Charts drawn anew per request carry a random element id; the PDFs are compared byte for byte.
    (re.compile(r"data:image/svg\+xml;base64,[A-Za-z0-9+/=]+"), "chart"),
    (re.compile(r"\b\d{1,2}:\d{2}(:\d{2})?\b"), "hh:mm"),
]


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def _links(base: str, html: str) -> set[str]:
    parser = _Links()
    parser.feed(html)
    found = set()
    for href in parser.hrefs:
        url = urlsplit(urljoin(base, href))
        if url.netloc not in ("", "testserver"):
            continue
        path = url.path + (f"?{url.query}" if url.query else "")
        if SAME_SITE.match(path) and not NOT_FOLLOWED.search(path):
            found.add(path)
    return found


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _fingerprint(path: str, response) -> tuple:
    body = _body(response)
    if response.status_code != 200 or STATUS_ONLY.search(path):
        return (response.status_code,)
    if response.get("Content-Type", "").startswith("text/html"):
        text = body.decode()
        for pattern, mask in VOLATILE:
            text = pattern.sub(mask, text)
        return (200, hashlib.sha256(text.encode()).hexdigest())
    if response.get("Content-Type", "").startswith(XLSX):
        return (200, _workbook_digest(body))
    return (200, hashlib.sha256(body).hexdigest())


def _workbook_digest(body: bytes) -> str:
    """A workbook's cell values (its zip entries carry the time it was written)."""
    workbook = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
    text = repr([list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets])
    for pattern, mask in VOLATILE:
        text = pattern.sub(mask, text)
    return hashlib.sha256(text.encode()).hexdigest()


def _crawl(client) -> dict[tuple[str, str], tuple]:
    answers: dict[tuple[str, str], tuple] = {}
    for email, starts in DEMO_USERS.items():
        client.force_login(User.objects.get(email=email))
        seen: set[str] = set()
        frontier = set(starts)
        for _ in range(DEPTH + 1):
            following: set[str] = set()
            for path in sorted(frontier - seen):
                seen.add(path)
                response = client.get(path)
                answers[(email, path)] = _fingerprint(path, response)
                if response.status_code == 200 and response.get("Content-Type", "").startswith(
                    "text/html"
                ):
                    following |= _links(path, response.content.decode())
            frontier = following
        client.logout()
    return answers


def _wipe(media_root) -> None:
    """A new machine: no rows in any table, no media files."""
    with connection.cursor() as cursor:
        tables = connection.introspection.django_table_names(only_existing=True)
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE " + ", ".join(map(connection.ops.quote_name, tables)))
        else:
            call_command("flush", "--no-input", verbosity=0)
    shutil.rmtree(media_root, ignore_errors=True)
    media_root.mkdir(parents=True)


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    settings.DEMO_REPORTS = True
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    utrecht = MunicipalityFactory(name="Utrecht", cbs_code="GM0344", slug="utrecht")
    for n in range(6):
        SchoolFactory(municipality=utrecht, name=f"Basisschool De Drill {n}")
    call_command("seed_demo", "--force", verbosity=0)
    return settings.MEDIA_ROOT


def test_backup_wipe_restore_every_demo_page_and_download_answers_as_before(client, demo, tmp_path):
    before = _crawl(client)
    downloads = [k for k, v in before.items() if len(v) == 2 and "/pdf" in k[1]]
    assert len(before) > 150, f"the crawl reached only {len(before)} pages"
    assert downloads, "the demo has report PDFs to download"
    assert all(v[0] in (200, 302, 403, 404) for v in before.values())

    call_command("backup", str(tmp_path / "backup"))
    _wipe(demo)
    assert not User.objects.exists()
    call_command("restore", str(tmp_path / "backup"), "--no-input")

    after = _crawl(client)
    changed = {k: (before[k], after.get(k)) for k in before if after.get(k) != before[k]}
    assert not changed, f"{len(changed)} of {len(before)} answers differ: {list(changed)[:8]}"
