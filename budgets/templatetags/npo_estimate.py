"""``{% npo_estimate_summary municipality %}``: the NPO estimate beside the allocations, on every
budget page that shows NPO money (one selector, a fixed number of queries)."""

from django import template

from budgets.estimate import npo_estimate

register = template.Library()


@register.inclusion_tag("budgets/_npo_estimate.html")
def npo_estimate_summary(municipality) -> dict:
    return {"estimate": npo_estimate(municipality=municipality), "municipality": municipality}
