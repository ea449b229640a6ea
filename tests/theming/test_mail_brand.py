"""A municipality's HTML e-mails carry its name form and colours, inlined (issue 21); the text
part and the subject stay as they are."""

from types import SimpleNamespace

import pytest

from core.mail import mail_render
from tests.factories import UserFactory
from theming.services import theme_update

pytestmark = pytest.mark.django_db

ROOD_BUTTON, ROOD_LINK, ROOD_HEADING = "#a3122a", "#a3122a", "#7d0e20"
DEFAULT_BUTTON, DEFAULT_LINK = "#5115ef", "#00568b"


def _notification_mail(municipality, user=None):
    context = {
        "user": user or UserFactory(),
        "notification": SimpleNamespace(title="Een nieuwe analyse", text="Bekijk haar."),
        "municipality": municipality,
        "link": "https://npo.example/open/1",
        "unsubscribe_url": "https://npo.example/af/1",
        "preferences_url": "https://npo.example/instellingen/",
        "kind_label": "Berichten over schoolanalyses",
    }
    return mail_render(
        subject_template="mail/notification_subject.txt",
        text_template="mail/notification.txt",
        html_template="mail/notification.html",
        context=context,
        language="nl",
    )


def test_the_html_part_uses_the_municipalitys_name_form_and_colours(municipality):
    theme_update(municipality=municipality, token_set="rood", name_form="Stad Utrecht")
    subject, text, html = _notification_mail(municipality)
    assert "Stad Utrecht" in html
    assert f"background:{ROOD_BUTTON};color:#ffffff;" in html  # the button
    assert f"color:{ROOD_LINK};" in html  # the links
    assert f"color:{ROOD_HEADING};" in html  # the heading
    assert f"border-top:4px solid {ROOD_BUTTON};" in html
    assert "var(" not in html and "--" not in html.split("<body", 1)[1].split("Je krijgt")[0]
    assert "<img" not in html  # no logo: our mails load nothing and carry no images


def test_the_text_part_and_the_subject_do_not_change(municipality):
    user = UserFactory()
    before = _notification_mail(municipality, user)
    theme_update(municipality=municipality, token_set="rood", name_form="Stad Utrecht")
    after = _notification_mail(municipality, user)
    assert after[:2] == before[:2]
    assert after[2] != before[2]


def test_without_a_theme_the_default_theme(municipality):
    _subject, _text, html = _notification_mail(municipality)
    assert f"background:{DEFAULT_BUTTON};" in html and f"color:{DEFAULT_LINK};" in html
    assert "Gemeente Utrecht" in html
    assert ROOD_BUTTON not in html


def test_each_municipality_its_own(municipality, other_municipality):
    theme_update(municipality=municipality, token_set="rood")
    theme_update(municipality=other_municipality, token_set="groen")
    assert ROOD_BUTTON in _notification_mail(municipality)[2]
    groen = _notification_mail(other_municipality)[2]
    assert ROOD_BUTTON not in groen and "#1b6b3a" in groen


def test_a_mail_of_no_municipality_gets_the_default_theme():
    _subject, _text, html = mail_render(
        subject_template="accounts/email/security_subject.txt",
        text_template="accounts/email/security_body.txt",
        context={"user": None, "kind": "password_changed", "required_mail": True},
        language="nl",
    )
    assert f"border-top:4px solid {DEFAULT_BUTTON};" in html
