"""The server's HTTP hardening: which Host names it answers, and the security headers it sends.

- Host check: a request whose ``Host`` header is not one of the allowed names is refused
  with 400 before any route runs, so a page on another site cannot reach a server with no
  users through DNS rebinding. ``trailmark server`` allows the loopback names
  (``localhost``, ``127.0.0.1``, ``::1``) unless ``--allowed-hosts a.example,b.example``
  names others; it passes them to its workers in ``$TRAILMARK_ALLOWED_HOSTS``. An app made
  with ``create_app`` checks the names it is given (or that variable names). ``*`` allows
  any name, a leading ``*.`` a domain's subdomains; ports are not compared.
- Every response carries a Content-Security-Policy that loads scripts only from the
  server itself and forbids framing (``frame-ancestors 'none'``), ``X-Content-Type-Options:
  nosniff``, ``X-Frame-Options: DENY`` and ``Referrer-Policy: no-referrer``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from typing import Any

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

ALLOWED_HOSTS_ENV = "TRAILMARK_ALLOWED_HOSTS"
LOOPBACK = ("localhost", "127.0.0.1", "::1")
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
]


def parse_hosts(text: str) -> tuple[str, ...]:
    """``"a.example, b.example"`` -> ``("a.example", "b.example")``."""
    return tuple(h.strip().lower() for h in text.split(",") if h.strip())


def allowed_hosts(environ: dict[str, str] | None = None) -> tuple[str, ...] | None:
    """The host names ``$TRAILMARK_ALLOWED_HOSTS`` lists, or None when it is not set (no check)."""
    env = os.environ if environ is None else environ
    return parse_hosts(env.get(ALLOWED_HOSTS_ENV, "")) or None


def host_name(header: str) -> str:
    """The name in a Host header, without its port (``[::1]:5000`` -> ``::1``)."""
    value = header.strip().lower()
    if value.startswith("["):
        return value[1:value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def host_allowed(name: str, allowed: Iterable[str]) -> bool:
    for pattern in allowed:
        if pattern == "*" or name == pattern:
            return True
        if pattern.startswith("*.") and name.endswith(pattern[1:]):
            return True
    return False


def install(app: FastAPI) -> None:
    """Add the Host check (names from ``$TRAILMARK_ALLOWED_HOSTS``, if set) and the security headers."""
    app.add_middleware(SecurityMiddleware, hosts=allowed_hosts())


# The interactive docs (Swagger UI, ReDoc) load scripts from a public CDN: off. /openapi.json stays.
NO_DOCS: dict[str, Any] = {"docs_url": None, "redoc_url": None}


class SecurityMiddleware:
    """ASGI middleware: refuse unknown Host names, add the security headers to every answer."""

    def __init__(self, app: ASGIApp, *, hosts: Iterable[str] | None = None) -> None:
        self.app = app
        self.hosts = tuple(hosts) if hosts is not None else None  # None: any host

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.hosts is not None:
            headers = dict(scope.get("headers") or [])
            name = host_name(headers.get(b"host", b"").decode("latin-1"))
            if not host_allowed(name, self.hosts):
                await _refuse(send, name)
                return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {key.lower() for key, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []), *(h for h in HEADERS if h[0] not in present)]
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _refuse(send: Send, name: str) -> None:
    message = (f"host {name!r} is not served here: start the server with --allowed-hosts "
               f"(or set {ALLOWED_HOSTS_ENV}) to name it")
    body = json.dumps({"error": {"code": "invalid_host", "message": message}}).encode()
    await send({"type": "http.response.start", "status": 400,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            *HEADERS]})
    await send({"type": "http.response.body", "body": body})
