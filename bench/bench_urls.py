"""The app's URLs plus one minimal view: the throughput reference of the load benchmark.

``/healthz`` is not minimal (it opens a database cursor and a broker connection), so the
reference is a view that returns a constant through the full middleware stack.
"""

from django.http import HttpResponse
from django.urls import path

from npo_platform.urls import urlpatterns as app_urlpatterns


def minimal(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/minimal", minimal, name="bench_minimal"), *app_urlpatterns]
