"""Kept bytes over HTTP: uploads and downloads stream in chunks, never whole files in memory.

The server keeps the bytes in its artifact root (``trailmark server --artifacts-root URL``);
the client checks what it downloads against the digest the server names, as it reads.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, TYPE_CHECKING
from urllib.parse import unquote

from trailmark.artifacts import Blob, VerifiedReader
from trailmark.errors import TrailmarkError
from trailmark.hashing import CHUNK_SIZE
from trailmark.store.http._transport import API, decode
from trailmark.store.http._wire import path_ref

if TYPE_CHECKING:
    from trailmark.store._protocol import NodeLike
    from trailmark.store.http._transport import Transport

DIGEST_HEADER = "X-Trailmark-Digest"
REF_HEADER = "X-Trailmark-Ref"


class HttpBytes:
    """``put_bytes`` and ``open`` against the server's artifact root, through the transport it is handed."""

    def __init__(self, transport: Transport) -> None:
        self.transport = transport

    def put_bytes(self, source: bytes | IO[bytes]) -> Blob:
        """Upload ``source`` (bytes or a binary stream) in chunks; the server keeps it once per digest."""
        content: bytes | Iterator[bytes]
        if isinstance(source, (bytes, bytearray, memoryview)):
            content = bytes(source)
        else:
            content = iter(lambda: source.read(CHUNK_SIZE), b"")
        response = self.transport.client.post(
            API + "/blobs", content=content, headers={"Content-Type": "application/octet-stream"}
        )
        found = decode(response)
        return Blob(digest=found["digest"], uri=found["uri"], size=found["size"])

    def open(self, ref: NodeLike) -> VerifiedReader:
        """The kept bytes of an artifact, streamed from the server and checked against their digest."""
        client = self.transport.client
        request = client.build_request("GET", f"{API}/bytes/{path_ref(ref)}")
        response = client.send(request, stream=True)
        if not response.is_success:
            response.read()
            response.close()
            decode(response)
        digest = response.headers.get(DIGEST_HEADER)
        if not digest:
            response.close()
            raise TrailmarkError(
                f"the server sent the bytes of {ref!r} without their digest; is it a Trailmark server?"
            )
        name = unquote(response.headers.get(REF_HEADER) or str(ref))
        return VerifiedReader(response.iter_bytes(CHUNK_SIZE), digest=digest, name=name, on_close=response.close)
