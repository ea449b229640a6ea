"""Messages of an htmx save reach the page's live region, on every page.

A view that answers an htmx request with a fragment and leaves a message (``messages.success``)
would otherwise keep it for the next full page, where it shows up late and out of context. This
middleware appends the pending messages to the fragment, out of band into ``#messages`` (the
``role=status`` live region in base.html), so a screen reader announces them although no new page
loads. A response that already fills ``#messages`` itself (cycles.views.phases.saved) is left as it
is. Sits inside MessageMiddleware (which stores what is left afterwards) and after HtmxMiddleware.
"""

from django.contrib import messages
from django.utils.html import format_html, format_html_join

OOB_MARKER = b'id="messages" hx-swap-oob'
# Django's message levels as NL Design System alert variants (templates/includes/message.html).
ALERT_VARIANTS = {"success": "ok", "warning": "warning", "error": "error"}


class HtmxMessagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        htmx = getattr(request, "htmx", None)
        if (
            not htmx
            or htmx.boosted
            or response.status_code != 200
            or response.streaming
            or not response.get("Content-Type", "").startswith("text/html")
            or OOB_MARKER in response.content
        ):
            return response
        pending = list(messages.get_messages(request))  # read: not kept for the next page
        if pending:
            items = format_html_join(
                "",
                '<p class="utrecht-alert utrecht-alert--{}">{}</p>',
                ((ALERT_VARIANTS.get(m.level_tag, "info"), m.message) for m in pending),
            )
            response.content += format_html(
                '<div id="messages" hx-swap-oob="innerHTML">{}</div>', items
            ).encode()
        return response
