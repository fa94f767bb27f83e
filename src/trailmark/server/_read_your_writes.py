"""Read-your-writes on a server with a read replica: the WAL position of a client's last write, in a cookie.

After a write request succeeds, the response carries the primary's WAL insert position
(past that write's commit) in the ``trailmark_lsn`` cookie and the ``X-Trailmark-LSN``
header; HttpStore's client and browsers send the cookie back, and a read route serves that
client from the replica only once the replica has replayed past it (see store/sql/_replica).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from starlette.concurrency import run_in_threadpool

from trailmark.errors import TrailmarkError
from trailmark.store.sql._replica import ReadReplica, parse_lsn

LSN_COOKIE = "trailmark_lsn"
LSN_HEADER = "X-Trailmark-LSN"
COOKIE_SECONDS = 600  # far longer than any replica lag worth serving reads from
_READS = frozenset({"GET", "HEAD", "OPTIONS"})


def after(request: Request) -> int | None:
    """The WAL position this caller must see: the header, else the cookie, else None."""
    return parse_lsn(request.headers.get(LSN_HEADER) or request.cookies.get(LSN_COOKIE))


def install(app: FastAPI) -> None:
    """Stamp each successful write response with the primary's WAL position, when the app has a read replica."""

    @app.middleware("http")
    async def stamp_writes(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        replica: ReadReplica | None = getattr(request.app.state, "replica", None)
        if replica is None or request.method in _READS or response.status_code >= 400:
            return response
        try:
            lsn = await run_in_threadpool(replica.written)
        except TrailmarkError:  # the write is committed; only the replica will not be used for this client's next read
            return response
        response.headers[LSN_HEADER] = lsn
        response.set_cookie(LSN_COOKIE, lsn, max_age=COOKIE_SECONDS, httponly=True, samesite="strict")
        return response
