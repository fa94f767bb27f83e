"""ArtifactRoot: a content-addressed folder of bytes (any fsspec URL), one file per SHA-256 digest.

Files live at ``ROOT/sha256/<2 hex>/<64 hex>``. A write streams into a temporary file in
the root while hashing, then moves it into place unless that digest is already kept, so
the same bytes are stored once however often they are logged. Every read is checked
against the digest (:class:`~trailmark.artifacts._reader.VerifiedReader`).

Example:
    >>> root = ArtifactRoot("file:///data/tm-artifacts")
    >>> digest = root.put_file("plots/residuals.png")
    >>> with root.open(digest, name="plot:residuals@1") as f:
    ...     data = f.read()
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import AsyncIterator, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from trailmark.artifacts._reader import VerifiedReader
from trailmark.errors import NotFoundError, TrailmarkError, ValidationError
from trailmark.hashing import CHUNK_SIZE, PREFIX

ARTIFACTS_ENV = "TRAILMARK_ARTIFACTS"


class ArtifactRoot:
    """Bytes kept by digest under one fsspec URL (``file:///...``, ``s3://...``, ``memory://...``)."""

    def __init__(self, url: str) -> None:
        import fsspec

        if "://" not in url:
            url = Path(url).expanduser().resolve().as_uri()
        self.url = url.rstrip("/")
        try:
            self.fs, self._base = fsspec.core.url_to_fs(self.url)
        except (ImportError, ValueError) as exc:
            raise ValidationError(f"cannot use artifact root {url!r}: {exc}") from exc
        self._base = self._base.rstrip("/")
        self._local = self.fs.protocol in ("file", "local") or "file" in tuple(self.fs.protocol)

    def __repr__(self) -> str:
        return f"ArtifactRoot({self.url!r})"

    # -- where a digest lives -----------------------------------------------------------

    def path(self, digest: str) -> str:
        """The fsspec path of ``digest``'s file (``sha256:<hex>``)."""
        hexdigest = _hex(digest)
        return f"{self._base}/sha256/{hexdigest[:2]}/{hexdigest}"

    def uri(self, digest: str) -> str:
        """The URL that names ``digest``'s file, as kept in an artifact's ``uri``."""
        return str(self.fs.unstrip_protocol(self.path(digest)))

    def exists(self, digest: str) -> bool:
        return bool(self.fs.exists(self.path(digest)))

    # -- writing ----------------------------------------------------------------------

    def writer(self) -> BlobWriter:
        """A writer to stream bytes into; ``commit()`` returns their digest."""
        return BlobWriter(self)

    def put_chunks(self, chunks: Iterable[bytes]) -> str:
        """Keep the bytes of ``chunks``; returns their digest (``sha256:<hex>``)."""
        writer = self.writer()
        try:
            for chunk in chunks:
                writer.write(chunk)
            return writer.commit()
        finally:
            writer.discard()

    def put_stream(self, stream: IO[bytes]) -> str:
        """Keep what ``stream`` holds, read in chunks."""
        return self.put_chunks(iter(lambda: stream.read(CHUNK_SIZE), b""))

    def put_bytes(self, data: bytes) -> str:
        return self.put_chunks([data])

    def put_file(self, path: str | os.PathLike[str]) -> str:
        """Keep a local file's bytes; returns their digest."""
        source = Path(path).expanduser()
        if not source.is_file():
            raise ValidationError(f"cannot keep {str(path)!r}: not a readable file")
        with source.open("rb") as stream:
            return self.put_stream(stream)

    # -- reading ----------------------------------------------------------------------

    def open(self, digest: str, *, name: str | None = None) -> VerifiedReader:
        """The bytes of ``digest``, checked as they are read; ``name`` is what errors call them."""
        raw = self.open_unchecked(digest, name=name)
        return VerifiedReader(_chunks(raw), digest=digest, name=name or digest, on_close=raw.close)

    def open_unchecked(self, digest: str, *, name: str | None = None) -> IO[bytes]:
        """The file of ``digest`` as stored, for a reader that checks it itself (an HTTP client)."""
        try:
            opened: IO[bytes] = self.fs.open(self.path(digest), "rb")  # fsspec ships no types
            return opened
        except FileNotFoundError as exc:
            raise NotFoundError(
                f"the bytes of {name or digest} ({digest}) are not in the artifact root {self.url}"
            ) from exc

    def delete(self, digest: str) -> bool:
        """Erase ``digest``'s file (purge); returns whether one was there."""
        target = self.path(digest)
        if not self.fs.exists(target):
            return False
        if self._local:
            os.chmod(target, 0o644)
        self.fs.rm(target)
        return True


class BlobWriter:
    """Bytes streamed into a temporary file of the root, hashed on the way; see :meth:`ArtifactRoot.writer`."""

    def __init__(self, root: ArtifactRoot) -> None:
        self.root = root
        self.size = 0
        self._hash = hashlib.sha256()
        self._tmp = f"{root._base}/tmp/{uuid.uuid4().hex}"
        root.fs.makedirs(f"{root._base}/tmp", exist_ok=True)
        self._file: Any = root.fs.open(self._tmp, "wb")
        self._done = False

    def write(self, chunk: bytes) -> None:
        self._hash.update(chunk)
        self.size += len(chunk)
        self._file.write(chunk)

    async def write_from(self, chunks: AsyncIterator[bytes]) -> str:
        """Write an async stream of chunks (a request body) and commit."""
        async for chunk in chunks:
            self.write(chunk)
        return self.commit()

    def commit(self) -> str:
        """Move the bytes into place (unless that digest is kept already); returns the digest."""
        self._file.close()
        digest = PREFIX + self._hash.hexdigest()
        target = self.root.path(digest)
        fs = self.root.fs
        if fs.exists(target):
            fs.rm(self._tmp)
        else:
            fs.makedirs(target.rsplit("/", 1)[0], exist_ok=True)
            fs.mv(self._tmp, target)
            if self.root._local:
                os.chmod(target, 0o444)  # kept bytes are never edited in place
        self._done = True
        return digest

    def discard(self) -> None:
        """Remove the temporary file of a write that did not commit."""
        if self._done:
            return
        self._done = True
        self._file.close()
        if self.root.fs.exists(self._tmp):
            self.root.fs.rm(self._tmp)


def default_root_url(store_uri: str, explicit: str | None = None) -> str | None:
    """The artifact root of a store: ``explicit``, else ``$TRAILMARK_ARTIFACTS``, else beside a SQLite file."""
    if explicit:
        return explicit
    if os.environ.get(ARTIFACTS_ENV):
        return os.environ[ARTIFACTS_ENV]
    if store_uri.startswith("sqlite") and ":memory:" not in store_uri:
        from sqlalchemy.engine import make_url

        database = make_url(store_uri).database
        if database:
            path = Path(database).expanduser().resolve()
            return (path.parent / f"{path.stem}-artifacts").as_uri()
    return None


def _hex(digest: str) -> str:
    hexdigest = digest[len(PREFIX):] if digest.startswith(PREFIX) else ""
    if len(hexdigest) != 64 or any(c not in "0123456789abcdef" for c in hexdigest):
        raise ValidationError(f"not a sha256 digest: {digest!r} (expected sha256:<64 hex digits>)")
    return hexdigest


def _chunks(raw: IO[bytes]) -> Iterator[bytes]:
    return iter(lambda: raw.read(CHUNK_SIZE), b"")


def missing_root() -> TrailmarkError:
    """The error of a store asked to keep bytes without an artifact root."""
    return ValidationError(
        f"this store has no artifact root: connect with artifacts='file:///PATH' (or any fsspec URL) "
        f"or set ${ARTIFACTS_ENV}"
    )
