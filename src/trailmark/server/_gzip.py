"""Inflate request bodies sent with ``Content-Encoding: gzip`` (OpenLineage clients may compress)."""

from __future__ import annotations

import zlib

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from trailmark.server._errors import error_response

MAX_INFLATED = 64 * 1024 * 1024


class GzipRequestMiddleware:
    """An ASGI middleware: a gzip body reaches the app inflated, with its encoding header removed."""

    def __init__(self, app: ASGIApp, *, max_size: int = MAX_INFLATED) -> None:
        self.app = app
        self.max_size = max_size

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or (b"content-encoding", b"gzip") not in _lowered(scope["headers"]):
            await self.app(scope, receive, send)
            return
        compressed = bytearray()
        while True:
            message = await receive()
            compressed += message.get("body", b"")
            if not message.get("more_body", False):
                break
        try:
            body = _inflate(bytes(compressed), self.max_size)
        except ValueError as exc:
            await error_response(400, "invalid", f"cannot read the gzip request body: {exc}")(scope, receive, send)
            return
        headers = [(k, v) for k, v in scope["headers"] if k.lower() not in (b"content-encoding", b"content-length")]
        headers.append((b"content-length", str(len(body)).encode()))
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app({**scope, "headers": headers}, replay, send)


def _lowered(headers: list[tuple[bytes, bytes]]) -> set[tuple[bytes, bytes]]:
    return {(k.lower(), v.strip().lower()) for k, v in headers}


def _inflate(data: bytes, max_size: int) -> bytes:
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        body = inflater.decompress(data, max_size + 1)
    except zlib.error as exc:
        raise ValueError(str(exc)) from exc
    if len(body) > max_size or inflater.unconsumed_tail:
        raise ValueError(f"it inflates to more than {max_size} bytes")
    if not inflater.eof:
        raise ValueError("the gzip stream is truncated")
    return body
