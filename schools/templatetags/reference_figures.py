"""Template labels for reference figures: ``{{ municipality|inhabitants_source }}`` gives
"Bron: CBS, 1 jan. 2026" (or "…, datum onbekend")."""

from django import template

from municipalities.figures import inhabitants_source as _inhabitants_source

register = template.Library()


@register.filter
def inhabitants_source(municipality) -> str:
    return _inhabitants_source(municipality)
