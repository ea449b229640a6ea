from django import template

from reports.formatting import number_nl

register = template.Library()


@register.filter
def nl_number(value) -> str:
    """12345 -> 12.345; "<5" stays "<5"; None -> "–"."""
    return number_nl(value)
