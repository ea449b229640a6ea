"""``{% load i18n %}`` is core.templatetags.i18n_memo: Django's library, constant
``{% translate %}`` texts remembered per language and autoescape."""

import pytest
from django.template import Context, engines
from django.templatetags import i18n as django_i18n
from django.utils import translation

from core.templatetags import i18n_memo


def template(source: str):
    return engines["django"].from_string("{% load i18n %}" + source)


def test_the_i18n_library_is_the_memo():
    node = template('{% translate "Scholen" %}').template.nodelist[1]
    assert isinstance(node, i18n_memo.MemoTranslateNode) and node.constant
    assert not template("{% translate label %}").template.nodelist[1].constant
    assert not template('{% translate "Mei" context "maand" %}').template.nodelist[1].constant
    # The rest of Django's library is there.
    assert template("{% get_current_language as l %}{{ l }}").render({}) == "nl"


def test_each_language_gets_its_own_text():
    t = template('{% translate "Scholen" %}|{% translate "Wachtwoord wijzigen" as w %}{{ w }}')
    with translation.override("nl"):
        dutch = t.render({})
    with translation.override("en"):
        english = t.render({})
    with translation.override("nl"):
        assert t.render({}) == dutch == "Scholen|Wachtwoord wijzigen"
    assert english != dutch
    with translation.override("en"):
        assert (
            english
            == f"{translation.gettext('Scholen')}|{translation.gettext('Wachtwoord wijzigen')}"
        )


@pytest.mark.parametrize(
    "source",
    [
        '{% translate "<b>5%% & meer</b>" %}',
        '{% translate "Scholen" noop %}',
        "{% translate 'Uitloggen' %}",
        '{% translate "Scholen" as s %}[{{ s }}]',
    ],
)
@pytest.mark.parametrize("autoescape", [True, False])
@pytest.mark.parametrize("language", ["nl", "en"])
def test_same_text_as_djangos_node(source, autoescape, language):
    node = template(source).template.nodelist[1]
    with translation.override(language):
        for _ in range(2):  # the second from the kept texts
            ours, theirs = Context({}, autoescape=autoescape), Context({}, autoescape=autoescape)
            assert node.render(ours) == django_i18n.TranslateNode.render(node, theirs)
            assert ours.flatten() == theirs.flatten()


def test_messages_from_variables_are_not_kept():
    variable = template("{% translate label %}")
    assert variable.render({"label": "a"}) == "a"
    assert variable.render({"label": "b"}) == "b"


def test_a_changed_language_setting_drops_the_kept_texts(settings):
    before = i18n_memo._generation[0]
    settings.LANGUAGES = [("nl", "Nederlands"), ("en", "English")]
    assert i18n_memo._generation[0] == before + 1
