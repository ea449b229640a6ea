from django import template

from core.money import format_money

register = template.Library()


@register.filter
def eur(value) -> str:
    """``{{ amount|eur }}`` -> ``€ 1.234,56`` (Dutch format, two decimals)."""
    return format_money(value)
