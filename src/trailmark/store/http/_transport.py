"""The one way HttpStore talks to the server: :meth:`Transport.request`.

One ``httpx.Client`` per store (connections are reused; from a server on loopback no
compressed answers are asked for), timeouts on every call, retries when the server could
not be reached, and the server's JSON errors raised as the same
:class:`~trailmark.errors.TrailmarkError` subclass the embedded store would raise.
"""

from __future__ import annotations

import ipaddress
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from trailmark import __version__
from trailmark.errors import ERRORS_BY_CODE, AmbiguousReferenceError, FilterSyntaxError, TrailmarkError

_logger = logging.getLogger(__name__)

API = "/api/v1"
PROJECT_HEADER = "X-Trailmark-Project"
RETRIES = 3
BACKOFF_SECONDS = 0.2
# Below the server's keep-alive (uvicorn: 5 s), so the client never reuses a connection
# that the server is closing, which would fail a write that cannot safely be retried.
KEEPALIVE_SECONDS = 2.0

# Nothing reached the server: any call may be sent again.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class Transport:
    """Requests to one server, for one project, with one token."""

    def __init__(self, base_url: str, *, project: str, token: str | None, timeout: float, retries: int = RETRIES):
        headers = {"User-Agent": f"trailmark/{__version__}", PROJECT_HEADER: project}
        if _loopback(base_url):  # compressing costs both ends more CPU than the bytes take to move here
            headers["Accept-Encoding"] = "identity"
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self.base_url = base_url
        self.token = token
        self.timeout = timeout
        self.retries = retries
        self.client = httpx.Client(
            base_url=base_url,
            headers=headers,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            limits=httpx.Limits(max_connections=20, keepalive_expiry=KEEPALIVE_SECONDS),
        )

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        idempotent: bool | None = None,
        loads: Callable[[bytes], Any] | None = None,
    ) -> Any:
        """Send ``method API+path``; return the decoded JSON body (None for 204).

        ``idempotent`` (default: GET and PUT) calls are also retried when the connection
        breaks after the request went out; others only when it never left. ``loads`` reads
        a successful body instead of ``json.loads`` (orjson, for large answers the server
        writes with it).
        """
        safe = method in ("GET", "PUT") if idempotent is None else idempotent
        for attempt in range(self.retries + 1):
            try:
                response = self.client.request(method, API + path, json=json, params=params)
                return decode(response, loads)
            except _NOT_SENT as exc:
                failure: httpx.TransportError = exc
            except httpx.TransportError as exc:
                if not safe:
                    raise TrailmarkError(
                        f"lost the connection to the Trailmark server at {self.base_url} during {method} {path}: "
                        f"{_reason(exc)}; the write may or may not have been stored"
                    ) from exc
                failure = exc
            if attempt < self.retries:
                _logger.debug("%s %s failed (%s), retrying", method, path, failure)
                time.sleep(BACKOFF_SECONDS * 2**attempt)
        raise TrailmarkError(
            f"cannot reach the Trailmark server at {self.base_url}: {_reason(failure)}; "
            "check the URI and that `trailmark server` is running"
        ) from failure

    def close(self) -> None:
        self.client.close()


def decode(response: httpx.Response, loads: Callable[[bytes], Any] | None = None) -> Any:
    """The JSON of a successful response; raise the error a failed one carries."""
    if response.status_code == 204:
        return None
    if loads is not None and response.is_success:
        return loads(response.content)
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.is_success and body is not None:
        return body
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict) and isinstance(error.get("message"), str):
        raise _rebuild(ERRORS_BY_CODE.get(str(error.get("code")), TrailmarkError), error)
    raise TrailmarkError(
        f"{response.request.method} {response.request.url} answered {response.status_code} "
        f"{response.reason_phrase} without a Trailmark error: {response.text[:200]!r}; is this a Trailmark server?"
    )


def _rebuild(cls: type[TrailmarkError], error: dict[str, Any]) -> TrailmarkError:
    message = error["message"]
    if issubclass(cls, FilterSyntaxError):
        return cls(message, line=error.get("line"), column=error.get("column"))
    if issubclass(cls, AmbiguousReferenceError):
        return cls(message, candidates=error.get("candidates") or ())
    return cls(message)


def _loopback(base_url: str) -> bool:
    """Whether the server is on this machine's loopback interface (``localhost``, 127.0.0.0/8, ``::1``)."""
    host = httpx.URL(base_url).host
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _reason(exc: httpx.TransportError) -> str:
    return str(exc) or type(exc).__name__
