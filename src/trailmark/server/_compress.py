"""Response compression: gzip for clients that accept it, only for answers of at least ``MIN_BYTES``.

Small answers (most API calls: a run, an id, an empty object) go out as they are, since
compressing them costs more than the bytes it saves. Kept bytes (``/api/v1/bytes/...``,
the MLflow artifact proxy) are never compressed: models and data files are often
compressed already, and they stream with their length.
"""

from __future__ import annotations

from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

MIN_BYTES = 4096
LEVEL = 6  # zlib's default: a 27 kB search answer in about 0.3 ms, to a sixteenth of its size
UNCOMPRESSED = ("/api/v1/bytes/", "/api/2.0/mlflow-artifacts/")


class CompressionMiddleware:
    """Starlette's GZipMiddleware (which looks at ``Accept-Encoding`` and the size), off for kept bytes."""

    def __init__(self, app: ASGIApp, *, minimum_size: int = MIN_BYTES) -> None:
        self.app = app
        self.gzip = GZipMiddleware(app, minimum_size=minimum_size, compresslevel=LEVEL)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope["path"].startswith(UNCOMPRESSED):
            await self.gzip(scope, receive, send)
        else:
            await self.app(scope, receive, send)
