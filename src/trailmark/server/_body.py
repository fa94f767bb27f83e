"""Request bodies: inflated when sent with ``Content-Encoding: gzip``, and bounded, as they stream.

The limit (``LIMITS.body_bytes``, 16 MiB unless ``$TRAILMARK_MAX_BODY_MB`` or ``trailmark
server --max-body-mb`` says otherwise) applies to the decompressed size and is checked on
every chunk, so a small gzip body that inflates to gigabytes is refused after 16 MiB of
it, never held whole. Routes that stream uploads to the artifact root are not bounded.
"""

from __future__ import annotations

import zlib
from collections.abc import Awaitable, Callable

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from trailmark.errors import ValidationError
from trailmark.server._errors import error_response
from trailmark.store import _validate

# Uploads of kept bytes: written to the artifact root in chunks, as large as files are.
STREAMED = ("/api/v1/blobs", "/api/2.0/mlflow-artifacts/")


class TooLarge(HTTPException):
    """The body passed the limit (raised from ``receive``; FastAPI re-raises HTTPExceptions as they are)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than {_mib(limit)} after decompression: send less at once "
                              f"(the server's limit is ${_validate.BODY_MB_ENV} or `trailmark server --max-body-mb`)")


class BadGzip(HTTPException):
    def __init__(self, reason: str) -> None:
        super().__init__(400, f"cannot read the gzip request body: {reason}")


class RequestBodyMiddleware:
    """An ASGI middleware: bodies reach the app inflated (encoding header removed) and at most the limit."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(STREAMED):
            await self.app(scope, receive, send)
            return
        limit = _validate.LIMITS.body_bytes
        headers = {k.lower(): v for k, v in scope["headers"]}
        gzipped = headers.get(b"content-encoding", b"").strip().lower() == b"gzip"
        declared = headers.get(b"content-length", b"")
        if not gzipped and declared.isdigit() and int(declared) > limit:
            await error_response(413, ValidationError.code, TooLarge(limit).detail)(scope, receive, send)
            return
        if gzipped:
            scope = {**scope, "headers": [(k, v) for k, v in scope["headers"]
                                          if k.lower() not in (b"content-encoding", b"content-length")]}
        await self.app(scope, _bounded(receive, limit, gzipped), send)


def _bounded(receive: Receive, limit: int, gzipped: bool) -> Callable[[], Awaitable[Message]]:
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS) if gzipped else None
    seen = 0

    async def bounded() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] != "http.request":
            return message
        body = message.get("body", b"")
        if inflater is not None:
            body = _inflate(inflater, body, limit - seen, limit)
            if not message.get("more_body", False) and not inflater.eof:
                raise BadGzip("the gzip stream is truncated")
        seen += len(body)
        if seen > limit:
            raise TooLarge(limit)
        return {**message, "body": body}

    return bounded


def _inflate(inflater: zlib._Decompress, data: bytes, room: int, limit: int) -> bytes:
    """Inflate one chunk; TooLarge as soon as it would pass the ``room`` left under the limit."""
    try:
        out = inflater.decompress(data, max(room, 0) + 1)
    except zlib.error as exc:
        raise BadGzip(str(exc)) from exc
    if len(out) > room or inflater.unconsumed_tail:
        raise TooLarge(limit)
    return out


def _mib(size: int) -> str:
    return f"{size / _validate.MIB:.3g} MiB"
