"""Outgoing HTTP to the address that was checked, not to whatever the name answers next.

A webhook's host name is resolved once per delivery; every address it gives must be public
(unless the operator allows internal ones), and the connection goes to the first of them, with
the name kept for the Host header and the TLS certificate check. Resolving again at connect
time, as urllib does, would let a name that answers a public address to the check and
127.0.0.1 or 169.254.169.254 a moment later (DNS rebinding) send the worker into its own
network.

Behind an outgoing proxy (``https_proxy`` and friends) the proxy makes the connection: a name
that resolves inside here is still refused, but what the proxy resolves is the proxy's to keep
out of the internal network (it must refuse private, loopback and link-local addresses).
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


# NAT64's well-known prefix: 64:ff9b::7f00:1 is 127.0.0.1 behind a NAT64 gateway.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def all_public(found: list[str] | None) -> bool:
    """Whether every address is a public one (unresolvable is not)."""
    return bool(found) and all(_public(text) for text in found or [])


def _public(text: str) -> bool:
    """Public, and not an IPv6 form of an internal IPv4 address (mapped, 6to4, NAT64), which
    ``is_global`` alone lets through."""
    address = ipaddress.ip_address(text)
    if not address.is_global:
        return False
    if isinstance(address, ipaddress.IPv6Address):
        inner = address.ipv4_mapped or address.sixtofour
        if inner is None and address in _NAT64:
            inner = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if inner is not None and not inner.is_global:
            return False
    return True


def proxied(url: str) -> bool:
    """Whether urllib would send ``url`` through an outgoing proxy: asked with host and port,
    as urllib's own proxy handler asks (a ``no_proxy`` entry may name a port)."""
    parts = urllib.parse.urlsplit(url)
    proxies = urllib.request.getproxies()
    return parts.scheme in proxies and not urllib.request.proxy_bypass(parts.netloc)


def proxy_opener(redirects: type[urllib.request.BaseHandler]) -> Any:
    """Through the proxies of this moment (not of the process's start)."""
    return urllib.request.build_opener(
        urllib.request.ProxyHandler(urllib.request.getproxies()), redirects
    )


def opener_to(addresses: list[str], redirects: type[urllib.request.BaseHandler]) -> Any:
    """An opener whose connections go to the checked ``addresses`` (each in turn, as urllib
    tries a name's answers), whatever the URL's name resolves to next, through no proxy."""
    return urllib.request.build_opener(
        urllib.request.ProxyHandler({}),
        redirects,
        _PinnedHTTP(addresses),
        _PinnedHTTPS(addresses),
    )


def _factory(kind: type[http.client.HTTPConnection], addresses: list[str]) -> Callable[..., Any]:
    def make(host: str, **kwargs: Any) -> http.client.HTTPConnection:
        connection = kind(host, **kwargs)

        def to_checked(where: tuple[str, int], *args: Any) -> socket.socket:
            failed: OSError | None = None
            for address in addresses:
                try:
                    return socket.create_connection((address, where[1]), *args)
                except OSError as error:
                    failed = error
            raise failed or OSError("no address")

        # http.client opens its socket through this attribute; TLS still checks the name.
        connection._create_connection = to_checked  # type: ignore[attr-defined]
        return connection

    return make


class _PinnedHTTP(urllib.request.HTTPHandler):
    def __init__(self, addresses: list[str]) -> None:
        super().__init__()
        self.addresses = addresses

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_factory(http.client.HTTPConnection, self.addresses), req)


class _PinnedHTTPS(urllib.request.HTTPSHandler):
    def __init__(self, addresses: list[str]) -> None:
        super().__init__()
        self.addresses = addresses

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        factory = _factory(http.client.HTTPSConnection, self.addresses)
        return self.do_open(factory, req, context=self._context)  # type: ignore[attr-defined]
