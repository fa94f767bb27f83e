"""One ``read`` audit entry per request (store/_reads.py), written before the answer leaves."""

from __future__ import annotations

from anyio import to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from trailmark.store import _reads


class ReadAuditMiddleware:
    """An ASGI middleware: the request's audited reads are gathered and written as the answer starts."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        with _reads.gathering() as gathered:

            async def sending(message: Message) -> None:
                if message["type"] == "http.response.start" and gathered:
                    await to_thread.run_sync(gathered.flush)
                await send(message)

            await self.app(scope, receive, sending)
            if gathered:  # read while the body streamed
                await to_thread.run_sync(gathered.flush)
