"""Deployment health over time: probe a deployment's health URL once and record the check."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from typing import TYPE_CHECKING

from trailmark.automation._entities import HealthCheck
from trailmark.automation._urls import UrlPolicy
from trailmark.entities import Artifact
from trailmark.errors import ValidationError

if TYPE_CHECKING:
    from trailmark.store import Store

PROBE_TIMEOUT = 10.0


def health_url(deployment: Artifact) -> str | None:
    """What to probe: ``properties.health_url``, else the endpoint."""
    found = deployment.properties.get("health_url") or deployment.properties.get("endpoint")
    return found if isinstance(found, str) else None


def probe(url: str, *, timeout: float = PROBE_TIMEOUT) -> tuple[str, float | None, str | None]:
    """(status, latency in ms, detail) of one GET: healthy (2xx), unhealthy (another answer) or unreachable."""
    try:
        UrlPolicy().check(url)
    except ValidationError as exc:
        return "unreachable", None, str(exc)
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method="GET"), timeout=timeout) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        exc.close()
        return "unhealthy", _ms(started), f"HTTP {exc.code} {exc.reason}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return "unreachable", None, f"{type(exc).__name__}: {getattr(exc, 'reason', None) or exc}"
    return ("healthy" if 200 <= status < 300 else "unhealthy"), _ms(started), f"HTTP {status}"


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)


def check_deployments(store: Store, *, timeout: float = PROBE_TIMEOUT) -> list[HealthCheck]:
    """Probe the latest version of every deployment once; record and return the checks."""
    latest: dict[str, Artifact] = {}
    token = None
    while True:
        page = store.search("type = 'Deployment'", kind="artifacts", limit=500, page_token=token)
        for artifact in page.items:
            if artifact.name not in latest or artifact.version > latest[artifact.name].version:
                latest[artifact.name] = artifact
        token = page.next_page_token
        if token is None:
            break
    checks = []
    for name in sorted(latest):
        url = health_url(latest[name])
        status, latency, detail = probe(url, timeout=timeout) if url else ("unknown", None, "no endpoint to probe")
        checks.append(store.record_health(latest[name], status, latency_ms=latency, detail=detail))
    return checks
