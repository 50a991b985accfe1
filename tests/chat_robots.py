"""A WeCom and DingTalk group robot on loopback (issue 21 §3): it checks what the real ones
check, as their documentation says, and answers as they do.

- WeCom: ``POST /cgi-bin/webhook/send?key=KEY`` with ``{"msgtype": "markdown", "markdown":
  {"content": ...}}`` (at most 4,096 bytes) or ``text``; a wrong key is errcode 93000.
- DingTalk: ``POST /robot/send?access_token=T&timestamp=MS&sign=S``; ``S`` must be the base64
  HMAC-SHA256 of ``"MS\\nSECRET"`` keyed with the secret, and ``MS`` within an hour of now
  (errcode 310000 otherwise); the body ``{"msgtype": "markdown", "markdown": {"title", "text"}}``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

WECOM_KEY = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
DINGTALK_TOKEN = "d0c4a1e2b3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0"
DINGTALK_SECRET = "SEC3b2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1"


@dataclass
class Robots:
    base: str
    wecom: list[dict[str, Any]] = field(default_factory=list)
    dingtalk: list[dict[str, Any]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    fail_next: int = 0  # answer HTTP 502 this many times (a robot endpoint that is down)

    @property
    def wecom_url(self) -> str:
        return f"{self.base}/cgi-bin/webhook/send"

    @property
    def dingtalk_url(self) -> str:
        return f"{self.base}/robot/send"


def _valid_dingtalk(query: dict[str, list[str]]) -> str:
    stamp = (query.get("timestamp") or [""])[0]
    sign = (query.get("sign") or [""])[0]
    if (query.get("access_token") or [""])[0] != DINGTALK_TOKEN:
        return "token"
    if not stamp.isdigit() or abs(int(stamp) - time.time() * 1000) > 3600_000:
        return "timestamp"
    expected = base64.b64encode(
        hmac.new(
            DINGTALK_SECRET.encode(), f"{stamp}\n{DINGTALK_SECRET}".encode(), hashlib.sha256
        ).digest()
    ).decode()
    return "" if hmac.compare_digest(sign, expected) else "sign"


def _handler(robots: Robots) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # quiet test output
            pass

        def _answer(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            url = urllib.parse.urlsplit(self.path)
            query = urllib.parse.parse_qs(url.query)
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if robots.fail_next:
                robots.fail_next -= 1
                self._answer(502, {})
                return
            try:
                body = json.loads(raw)
            except ValueError:
                self._answer(200, {"errcode": 40016, "errmsg": "invalid json"})
                return
            if url.path == "/cgi-bin/webhook/send":
                content = (body.get("markdown") or body.get("text") or {}).get("content", "")
                ok = (
                    (query.get("key") or [""])[0] == WECOM_KEY
                    and body.get("msgtype") in ("markdown", "text")
                    and isinstance(content, str)
                    and 0 < len(content.encode()) <= 4096
                )
                if ok:
                    robots.wecom.append(body)
                    self._answer(200, {"errcode": 0, "errmsg": "ok"})
                else:
                    robots.refused.append("wecom")
                    self._answer(200, {"errcode": 93000, "errmsg": "invalid webhook url"})
                return
            if url.path == "/robot/send":
                problem = _valid_dingtalk(query)
                markdown = body.get("markdown") or {}
                if not problem and not (body.get("msgtype") == "markdown" and markdown.get("title")
                                        and markdown.get("text")):  # fmt: skip
                    problem = "body"
                if problem:
                    robots.refused.append(f"dingtalk:{problem}")
                    self._answer(200, {"errcode": 310000, "errmsg": "sign not match"})
                else:
                    robots.dingtalk.append(body)
                    self._answer(200, {"errcode": 0, "errmsg": "ok"})
                return
            self._answer(404, {})

    return Handler


@contextmanager
def robots_on_loopback() -> Iterator[Robots]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(Robots("")))
    robots = Robots(f"http://127.0.0.1:{server.server_address[1]}")
    server.RequestHandlerClass = _handler(robots)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield robots
    finally:
        server.shutdown()
        server.server_close()
