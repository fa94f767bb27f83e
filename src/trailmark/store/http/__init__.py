"""The HTTP backend: a client of ``trailmark server`` (needs httpx: ``pip install 'trailmark[server]'``)."""

try:
    import httpx  # noqa: F401
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError("httpx is not installed: pip install 'trailmark[server]' to connect to a server") from exc

from trailmark.store.http._store import HttpStore

__all__ = ["HttpStore"]
