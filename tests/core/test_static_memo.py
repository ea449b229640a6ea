"""``{% load static %}`` is core.templatetags.static_memo: Django's library, URLs remembered."""

from django.template import engines
from django.templatetags.static import static

from core.templatetags import static_memo


def render(source: str, **context) -> str:
    return engines["django"].from_string("{% load static %}" + source).render(context)


def test_the_static_library_is_the_memo():
    node = engines["django"].from_string("{% load static %}{% static 'css/app.css' %}")
    assert isinstance(node.template.nodelist[1], static_memo.MemoStaticNode)
    assert render("{% get_static_prefix %}")  # the rest of Django's library is there


def test_same_urls_as_django_and_remembered(settings):
    settings.DEBUG = False
    static_memo._urls.clear()
    for path in ("css/app.css", "nlds/fonts.css", "favicon.svg"):
        assert render("{% static path %}", path=path) == static(path)
        assert render("{% static path as u %}[{{ u }}]", path=path) == f"[{static(path)}]"
    assert len(static_memo._urls) == 3
    assert render("{% static 'a b&c.css' %}") == static("a b&c.css").replace("&", "&amp;")


def test_a_changed_static_setting_drops_the_urls(settings):
    render("{% static 'css/app.css' %}")
    assert static_memo._urls
    settings.STATIC_URL = "/elders/"
    assert not static_memo._urls
    assert render("{% static 'x.css' %}").startswith("/elders/")
