"""Dutch error pages in development too.

With ``DEBUG=true`` (``make run``) Django answers a missing page, a bad request and a crash with
its English technical pages; users trying the platform locally should see the same Dutch 400, 404
and 500 pages as in production. This middleware, outermost and active only with DEBUG, swaps
Django's technical page for ours. The traceback of a crash is still logged to the console by
Django (``django.request``), and ``DEBUG_TECHNICAL_ERRORS=true`` keeps the technical pages for
whoever wants them in the browser. 403 needs nothing: Django renders ``403.html`` even with DEBUG.
"""

from django.conf import settings
from django.views import defaults

# Django's technical 404 and 500 pages (debug.technical_404_response, technical_500_response)
# carry this tag; our own pages, and a view's deliberate 404 page, never do.
TECHNICAL_MARKER = b'<meta name="robots" content="NONE,NOARCHIVE">'

PAGES = {
    400: lambda request: defaults.bad_request(request, exception=None),
    404: lambda request: defaults.page_not_found(request, exception=None),
    500: lambda request: defaults.server_error(request),
}


class DutchErrorPagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            settings.DEBUG
            and not settings.DEBUG_TECHNICAL_ERRORS
            and response.status_code in PAGES
            and not response.streaming
            and TECHNICAL_MARKER in response.content
        ):
            return PAGES[response.status_code](request)
        return response
