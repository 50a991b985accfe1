"""Baomi's URLs plus ``/bench/trivial/``, a page behind the full gate that does nothing (it is
not on the gate's allow-list, so sign-in, second factor and agreement are all required)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as product


def trivial_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


urlpatterns = [path("bench/trivial/", trivial_view, name="bench_trivial"), *product]
