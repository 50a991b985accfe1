"""Outgoing HTTP to the address that was checked, not to whatever the name answers next.

A webhook's host name is resolved once per delivery; every address it gives must be public
(unless the operator allows internal ones), and the connection goes to the first of them, with
the name kept for the Host header and the TLS certificate check. Resolving again at connect
time, as urllib does, would let a name that answers a public address to the check and
127.0.0.1 or 169.254.169.254 a moment later (DNS rebinding) send the worker into its own
network.

Behind an outgoing proxy (``https_proxy`` and friends) the proxy makes the connection, so it is
the proxy's job to keep the worker out of the internal network; nothing is pinned then.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import Any


def addresses(host: str) -> list[str] | None:
    """Every address ``host`` resolves to, in the resolver's order; None when it does not."""
    try:
        found = socket.getaddrinfo(host, None)
    except (OSError, UnicodeError):
        return None
    ordered: list[str] = []
    for info in found:
        text = str(info[4][0]).split("%", 1)[0]
        if text not in ordered:
            ordered.append(text)
    return ordered or None


def all_public(found: list[str] | None) -> bool:
    """Whether every address is a public one (unresolvable is not)."""
    return bool(found) and all(ipaddress.ip_address(a).is_global for a in found or [])


def proxied(url: str) -> bool:
    parts = urllib.parse.urlsplit(url)
    proxies = urllib.request.getproxies()
    return parts.scheme in proxies and not urllib.request.proxy_bypass(parts.hostname or "")


def opener_to(address: str, redirects: type[urllib.request.BaseHandler]) -> Any:
    """An opener whose connections go to ``address`` whatever the URL's name resolves to, and
    through no proxy."""
    return urllib.request.build_opener(
        urllib.request.ProxyHandler({}),
        redirects,
        _PinnedHTTP(address),
        _PinnedHTTPS(address),
    )


def _factory(kind: type[http.client.HTTPConnection], address: str) -> Callable[..., Any]:
    def make(host: str, **kwargs: Any) -> http.client.HTTPConnection:
        connection = kind(host, **kwargs)

        def to_checked(where: tuple[str, int], *args: Any) -> socket.socket:
            return socket.create_connection((address, where[1]), *args)

        # http.client opens its socket through this attribute; TLS still checks the name.
        connection._create_connection = to_checked  # type: ignore[attr-defined]
        return connection

    return make


class _PinnedHTTP(urllib.request.HTTPHandler):
    def __init__(self, address: str) -> None:
        super().__init__()
        self.address = address

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_factory(http.client.HTTPConnection, self.address), req)


class _PinnedHTTPS(urllib.request.HTTPSHandler):
    def __init__(self, address: str) -> None:
        super().__init__()
        self.address = address

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        factory = _factory(http.client.HTTPSConnection, self.address)
        return self.do_open(factory, req, context=self._context)  # type: ignore[attr-defined]
