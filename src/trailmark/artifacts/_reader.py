"""VerifiedReader: a read-only binary file over a stream of chunks, checked against a digest.

The bytes are hashed as they are read; reaching the end with a different SHA-256 raises
:class:`~trailmark.errors.TrailmarkError` naming the artifact, so altered bytes never pass
as the ones logged. ``read()`` of everything checks before it returns.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Iterator

from trailmark.errors import TrailmarkError
from trailmark.hashing import PREFIX


class CorruptArtifactError(TrailmarkError):
    """Kept bytes no longer match the digest they were stored under."""

    code = "corrupt_artifact"


class VerifiedReader(io.RawIOBase):
    """A file-like of the bytes of ``chunks`` that must hash to ``digest``."""

    def __init__(
        self, chunks: Iterator[bytes], *, digest: str, name: str, on_close: Callable[[], None] | None = None
    ) -> None:
        super().__init__()
        self.digest = digest
        self.name = name
        self._chunks = chunks
        self._pending = b""
        self._hash = hashlib.sha256()
        self._on_close = on_close
        self._checked = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]  # io's readers fill these
        while not self._pending:
            chunk = next(self._chunks, None)
            if chunk is None:
                self._check()
                return 0
            self._hash.update(chunk)
            self._pending = chunk
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size

    def readall(self) -> bytes:
        parts = [self._pending]
        self._pending = b""
        for chunk in self._chunks:
            self._hash.update(chunk)
            parts.append(chunk)
        self._check()
        return b"".join(parts)

    def _check(self) -> None:
        if self._checked:
            return
        self._checked = True
        found = PREFIX + self._hash.hexdigest()
        if found != self.digest:
            raise CorruptArtifactError(
                f"the stored bytes of {self.name} do not match its digest {self.digest} (they hash to {found}): "
                "they were changed after they were logged; restore them from a backup or log the file again"
            )

    def close(self) -> None:
        if not self.closed and self._on_close is not None:
            self._on_close()
        super().close()
