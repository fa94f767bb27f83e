"""One POST of one delivery: the JSON body as stored, its headers, its HMAC-SHA256 signature."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import time
import urllib.error
import urllib.request

from trailmark.automation._urls import UrlPolicy
from trailmark.errors import ValidationError


@dataclasses.dataclass(frozen=True)
class Outgoing:
    """What to send: the delivery's id and event, the target, the secret, the exact body."""

    delivery_id: int
    uid: str
    event: str
    url: str
    secret: str | None
    body: bytes
    attempts: int  # made before this one


@dataclasses.dataclass(frozen=True)
class Outcome:
    """What one attempt got: a status code, or the error that stopped it."""

    status_code: int | None
    error: str | None
    duration_ms: float

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def signature(secret: str, body: bytes) -> str:
    """The ``X-Trailmark-Signature`` header: ``sha256=<hex HMAC-SHA256 of the body>``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def headers(item: Outgoing) -> dict[str, str]:
    from trailmark import __version__

    found = {
        "Content-Type": "application/json",
        "User-Agent": f"trailmark-webhooks/{__version__}",
        "X-Trailmark-Event": item.event,
        "X-Trailmark-Delivery": item.uid,
    }
    if item.secret:
        found["X-Trailmark-Signature"] = signature(item.secret, item.body)
    return found


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not a new target: following it could reach a refused address."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def send(item: Outgoing, *, policy: UrlPolicy, timeout: float) -> Outcome:
    """POST one delivery; never raises for the receiver's or the network's failures."""
    started = time.perf_counter()

    def done(status: int | None, error: str | None) -> Outcome:
        return Outcome(status, error, round((time.perf_counter() - started) * 1000, 3))

    try:
        policy.check(item.url)  # again at send time: the name may resolve elsewhere now
    except ValidationError as exc:
        return done(None, f"refused: {exc}")
    request = urllib.request.Request(item.url, data=item.body, method="POST", headers=headers(item))
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            response.read(65536)
            return done(response.status, None)
    except urllib.error.HTTPError as exc:
        exc.close()
        return done(exc.code, f"HTTP {exc.code} {exc.reason}")
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        return done(None, f"{type(exc).__name__}: {reason}")
