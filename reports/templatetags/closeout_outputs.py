"""``{% closeout_outputs stream as outputs %}``: the close-out jobs of a stream for
``closeout/_outputs.html``, so the workspace template can include the partial without its view
knowing about report jobs."""

from django import template

from reports import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def closeout_outputs(context, stream) -> dict:
    request = context["request"]
    return selectors.closeout_jobs(municipality=request.municipality, stream=stream)
