"""Kept bytes for SqlStore: the artifact root a store writes files and models to, and reads them from."""

from __future__ import annotations

from typing import IO, TYPE_CHECKING

from trailmark.artifacts import ArtifactRoot, Blob, VerifiedReader, missing_root, stored_digest

if TYPE_CHECKING:
    from trailmark.entities import Node
    from trailmark.store._protocol import NodeLike


class SqlBytes:
    """Mixin of SqlStore: ``put_bytes`` and ``open`` over the store's :class:`ArtifactRoot`."""

    artifacts_url: str | None
    _artifact_root: ArtifactRoot | None = None

    if TYPE_CHECKING:

        def get(self, ref: NodeLike) -> Node: ...  # the store's own

    @property
    def artifact_root(self) -> ArtifactRoot:
        """The root this store keeps bytes in; ValidationError when it has none."""
        if self._artifact_root is None:
            if self.artifacts_url is None:
                raise missing_root()
            self._artifact_root = ArtifactRoot(self.artifacts_url)
        return self._artifact_root

    def put_bytes(self, source: bytes | IO[bytes]) -> Blob:
        """Keep ``source`` (bytes or a binary stream) in the artifact root, once per digest."""
        root = self.artifact_root
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

    def open(self, ref: NodeLike) -> VerifiedReader:
        """The kept bytes of an artifact, as a binary file checked against their digest as it is read."""
        node = self.get(ref)
        return self.artifact_root.open(stored_digest(node), name=node.ref)
