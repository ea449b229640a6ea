"""``{% url %}`` is core.templatetags.url_memo's: Django's tag with reverse() remembered."""

import pytest
from django.template import Context, Template, TemplateSyntaxError, engines
from django.urls import NoReverseMatch, reverse, set_script_prefix
from django.utils import translation

from core.templatetags import url_memo


def render(source: str, **context) -> str:
    return engines["django"].from_string(source).render(context)


def test_the_builtin_url_tag_is_the_memo():
    template = engines["django"].from_string("{% url 'home' %}")
    assert isinstance(template.template.nodelist[0], url_memo.MemoURLNode)


def test_same_answers_as_reverse_and_remembered():
    url_memo.clear()
    assert render("{% url 'municipalities:dashboard' slug %}", slug="utrecht") == reverse(
        "municipalities:dashboard", args=["utrecht"]
    )
    assert render("{% url 'municipalities:dashboard' municipality_slug=s %}", s="zwolle") == (
        reverse("municipalities:dashboard", kwargs={"municipality_slug": "zwolle"})
    )
    assert len(url_memo._reversed) == 2
    render("{% url 'municipalities:dashboard' slug %}", slug="utrecht")
    assert len(url_memo._reversed) == 2  # the second time from the memo


def test_escaping_asvar_and_errors_as_django():
    url_memo.clear()
    assert render("{% url 'municipalities:dashboard' 'a' as x %}[{{ x }}]") == "[/g/a/]"
    assert render("{% url 'nope' as x %}[{{ x }}]") == "[]"
    with pytest.raises(NoReverseMatch):
        render("{% url 'nope' %}")
    with pytest.raises(TemplateSyntaxError):
        Template("{% url %}")
    # Not remembered: a value that is not a plain str/int (True would share 1's key).
    assert url_memo._plain(True) is False
    assert url_memo._plain(object()) is False


def test_script_prefix_and_language_are_part_of_the_key():
    url_memo.clear()
    try:
        set_script_prefix("/npo/")
        assert render("{% url 'home' %}") == "/npo/"
    finally:
        set_script_prefix("/")
    assert render("{% url 'home' %}") == "/"
    with translation.override("en"):
        assert render("{% url 'home' %}") == reverse("home")


def test_a_changed_url_conf_empties_the_memo(settings):
    render("{% url 'home' %}", **{})
    assert url_memo._reversed
    settings.ROOT_URLCONF = "npo_platform.urls"
    assert not url_memo._reversed


def test_context_autoescape_off():
    out = Template("{% autoescape off %}{% url 'municipalities:dashboard' s %}{% endautoescape %}")
    assert out.render(Context({"s": "a-b"})) == "/g/a-b/"
