"""The project's URLs plus a hello-world view, the floor of a request."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from selvhjelp.urls import urlpatterns as project_urlpatterns


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("hello", content_type="text/plain")


urlpatterns = [
    *project_urlpatterns,
    path("bench/hello/", hello, name="bench_hello"),
]
