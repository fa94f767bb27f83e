"""SqlStore's kept-bytes part: the artifact root a store writes files and models to, and reads them from."""

from __future__ import annotations

from typing import IO, TYPE_CHECKING

from trailmark.artifacts import ArtifactRoot, Blob, VerifiedReader, missing_root, stored_digest

if TYPE_CHECKING:
    from trailmark.entities import Node


class SqlBytes:
    """``put_bytes`` and ``open`` over the :class:`ArtifactRoot` at ``url`` (None: the store keeps no bytes).

    The root is made on first use. :class:`~trailmark.store.sql.SqlStore` holds one and delegates;
    ``open`` is handed the node its reader may read (``store.get``), so a restricted one is refused first.
    """

    def __init__(self, url: str | None) -> None:
        self.url = url
        self._root: ArtifactRoot | None = None

    @property
    def root(self) -> ArtifactRoot:
        """The root the bytes are kept in; ValidationError when there is none."""
        if self._root is None:
            if self.url is None:
                raise missing_root()
            self._root = ArtifactRoot(self.url)
        return self._root

    def put_bytes(self, source: bytes | IO[bytes]) -> Blob:
        """Keep ``source`` (bytes or a binary stream) in the artifact root, once per digest."""
        root = self.root
        writer = root.writer()
        try:
            if isinstance(source, (bytes, bytearray, memoryview)):
                writer.write(bytes(source))
            else:
                for chunk in iter(lambda: source.read(1 << 20), b""):
                    writer.write(chunk)
            digest = writer.commit()
        finally:
            writer.discard()
        return Blob(digest=digest, uri=root.uri(digest), size=writer.size)

    def open(self, node: Node) -> VerifiedReader:
        """The kept bytes of an artifact, as a binary file checked against their digest as it is read."""
        return self.root.open(stored_digest(node), name=node.ref)
