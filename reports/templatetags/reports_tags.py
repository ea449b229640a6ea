from django import template

from reports.formatting import money_nl, number_nl

register = template.Library()


@register.filter
def nl_number(value) -> str:
    """12345 -> 12.345; "<5" stays "<5"; None -> "–"."""
    return number_nl(value)


@register.filter
def nl_money(value) -> str:
    return money_nl(value)
