"""django-prometheus' after-middleware with every ``method`` label one of the HTTP methods.

Its latency histogram is labelled with the raw request method, and gunicorn passes any made-up
token of up to 20 letters: each new one added about twenty series to every worker's metrics
file for the life of the container, a way to fill memory and the scraper's storage from the
Internet (found in review, 2026-12-02). Here every ``method`` label goes through the library's
own filter, which names anything else "<invalid method>". Imported by dotted path only when
metrics are on (config/metrics.py), never while the settings load.
"""

from __future__ import annotations

from typing import Any

from django_prometheus.middleware import PrometheusAfterMiddleware


class AfterMiddleware(PrometheusAfterMiddleware):
    def label_metric(self, metric: Any, request: Any, response: Any = None, **labels: Any) -> Any:
        if "method" in labels:
            labels["method"] = self._method(request)
        return super().label_metric(metric, request, response, **labels)
