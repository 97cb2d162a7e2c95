"""What stands between the network and the library: security headers, the CSRF check, a bound on
request bodies, and login throttling.

- Every response carries a content security policy that allows scripts, styles and images from
  this server only (no inline script or style, no eval: htmx runs with ``allowEval`` off and its
  indicator styles in our own style sheet), forbids framing, and sends no referrer elsewhere.
- Every unsafe request (POST) carries the session's CSRF token, in the ``csrf_token`` form field
  (plain form posts, which work without JavaScript) or the ``X-CSRF-Token`` header (htmx sends it
  from the ``hx-headers`` of the page). A browser's ``Origin``, when sent, must be this server.
- A request body is refused beyond :data:`MAX_BODY` bytes, before it is parsed.
- A sign-in fails for a while after too many failed attempts for the same user name or from the
  same address (OWASP's authentication cheat sheet: throttle, do not lock out for good).
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections import OrderedDict, deque
from collections.abc import Mapping
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import BeoordelingError

__all__ = ["CSRF_FIELD", "CSRF_HEADER", "MAX_BODY", "BodyLimit", "CsrfError", "Headers", "Throttle", "csrf_token"]

MAX_BODY = 8 * 1024 * 1024
"""Bytes a request may send: a filled-in workbook is well under 1 MiB; the workbook reader bounds
its own cells and sheets after this."""
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}


class Headers:
    """Adds the security headers to every response, and ``no-store`` to every page (a plan's
    content is not for a shared browser's cache)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith("/static/")

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _value in headers}
                for name, value in HEADERS.items():
                    if name.encode() not in present:
                        headers.append((name.encode(), value.encode()))
                if not static and b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, sending)


class _BodyTooLarge(BaseException):
    """Raised from ``receive`` once a body passes the limit: a BaseException, so that it gets past
    every ``except Exception`` between the parser and :class:`BodyLimit`, which answers 413."""


class BodyLimit:
    """Refuses a request whose body is larger than ``limit`` bytes: at once when its
    Content-Length says so, else as soon as that many bytes have come in."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await _too_large(send)
            return
        seen = 0
        started = False

        async def receiving() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _BodyTooLarge
            return message

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receiving, sending)
        except _BodyTooLarge:
            if not started:
                await _too_large(send)


async def _too_large(send: Send) -> None:
    body = b"Het verzoek is te groot (ten hoogste 8 MiB)."
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


class CsrfError(BeoordelingError):
    """An unsafe request without the session's token, or from another site."""


def csrf_token(session: dict[str, Any]) -> str:
    """The session's CSRF token (made on first use)."""
    token = session.get("csrf")
    if not isinstance(token, str):
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


async def checked_form(request: Request, *, files: int = 0) -> FormData:
    """The posted form, once the CSRF token and the origin are checked (raises :class:`CsrfError`)."""
    origin = request.headers.get("origin")
    if origin is not None and origin != f"{request.url.scheme}://{request.url.netloc}":
        raise CsrfError
    form = await request.form(max_files=files, max_fields=200, max_part_size=256 * 1024)
    expected = request.session.get("csrf")
    given = request.headers.get(CSRF_HEADER) or form.get(CSRF_FIELD)
    if not isinstance(expected, str) or not isinstance(given, str) or not hmac.compare_digest(expected, given):
        raise CsrfError
    return form


class Throttle:
    """Failed sign-ins per user name and per address: after ``attempts`` failures within
    ``window`` seconds, further attempts for that key are refused until the oldest ages out. At most
    ``keys`` keys are remembered (the oldest are forgotten first), so that a flood cannot fill memory."""

    def __init__(self, attempts: int = 5, window: float = 900.0, keys: int = 10_000) -> None:
        self.attempts = attempts
        self.window = window
        self.keys = keys
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.get(key)
        if times is None:
            return deque()
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    def blocked(self, keys: Mapping[str, int], now: float | None = None) -> bool:
        """Whether any key (with its own allowance: a shared address gets more) is over its limit."""
        now = time.monotonic() if now is None else now
        return any(len(self._recent(key, now)) >= self.attempts * factor for key, factor in keys.items())

    def failed(self, keys: Mapping[str, int], now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        for key in keys:
            times = self._failures.pop(key, None) or deque()
            times.append(now)
            self._failures[key] = times
            while len(self._failures) > self.keys:
                self._failures.popitem(last=False)

    def succeeded(self, username_key: str) -> None:
        self._failures.pop(username_key, None)
