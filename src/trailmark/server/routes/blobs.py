"""Kept bytes: upload into the server's artifact root and download an artifact's bytes, both streamed."""

from __future__ import annotations

from urllib.parse import quote

from anyio import to_thread
from fastapi import Request
from fastapi.responses import StreamingResponse
from starlette.background import BackgroundTask

from trailmark.artifacts import stored_digest
from trailmark.hashing import CHUNK_SIZE
from trailmark.server._deps import Reader, Writer, api_router
from trailmark.store.http._bytes import DIGEST_HEADER, REF_HEADER

router = api_router("bytes")


@router.post("/blobs")
async def put_blob(request: Request, store: Writer) -> dict[str, object]:
    """Keep the request body (any size, read in chunks) in the artifact root; answers its digest and uri."""
    root = store.artifact_root
    writer = await to_thread.run_sync(root.writer)
    try:
        async for chunk in request.stream():
            if chunk:
                await to_thread.run_sync(writer.write, chunk)
        digest = await to_thread.run_sync(writer.commit)
    finally:
        writer.discard()
    return {"digest": digest, "uri": root.uri(digest), "size": writer.size}


@router.get("/bytes/{ref:path}", response_class=StreamingResponse)
def get_bytes(ref: str, store: Reader) -> StreamingResponse:
    """The kept bytes of an artifact, streamed; the digest to check them against is in X-Trailmark-Digest."""
    node = store.get(ref)
    digest = stored_digest(node)
    # Sent as stored: the client checks the bytes against this digest as it reads them, and
    # reports a mismatch naming the artifact (a check here could only cut the stream short).
    raw = store.artifact_root.open_unchecked(digest, name=node.ref)
    headers = {DIGEST_HEADER: digest, REF_HEADER: quote(node.ref, safe=":@/")}
    return StreamingResponse(
        iter(lambda: raw.read(CHUNK_SIZE), b""), media_type="application/octet-stream", headers=headers,
        background=BackgroundTask(raw.close),
    )
