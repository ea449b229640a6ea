from auditlog.context import auditlog_value
from auditlog.middleware import AuditlogMiddleware
from django.conf import settings


class AuditMiddleware(AuditlogMiddleware):
    """auditlog's middleware (actor and address on every log entry), with an address that cannot
    be forged: auditlog believes any X-Forwarded-For header; we only read it when the app runs
    behind our own proxies (AXES_PROXY_COUNT > 0), and then take the entry those proxies added.

    auditlog also leaves the request's actor in its context variable after the response; work
    that runs later in the same thread (the next test, code after a test-client request) would
    find it. The variable is put back as it was before the request.
    """

    def __call__(self, request):
        token = auditlog_value.set(None)
        try:
            return super().__call__(request)
        finally:
            auditlog_value.reset(token)

    @staticmethod
    def _get_remote_addr(request):
        proxies = settings.AXES_IPWARE_PROXY_COUNT
        forwarded = request.headers.get("X-Forwarded-For", "")
        if proxies and forwarded:
            hops = [h.strip() for h in forwarded.split(",") if h.strip()]
            if len(hops) >= proxies:
                return hops[-proxies]
        return request.META.get("REMOTE_ADDR")
