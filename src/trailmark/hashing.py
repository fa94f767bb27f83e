"""Content digests: ``sha256:<64 hex>`` for bytes, files, directories and URIs.

A file's digest is the SHA-256 of its bytes, so it equals ``sha256sum FILE``. A
directory's digest is the SHA-256 of a listing with one line per regular file below it,
``<file hex>  <relative posix path>\\n``, sorted by path: the listing ``sha256sum``
prints, so the digest does not depend on the order the files were created in.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from trailmark.errors import ValidationError

PREFIX = "sha256:"
CHUNK_SIZE = 1 << 20


def digest_bytes(data: bytes | bytearray | memoryview) -> str:
    """Digest of a bytes-like object."""
    return PREFIX + hashlib.sha256(data).hexdigest()


def digest_file(path: str | os.PathLike[str]) -> str:
    """Digest of a local file's bytes (equal to ``sha256sum``)."""
    return PREFIX + _file_hex(Path(path))


def digest_directory(path: str | os.PathLike[str]) -> str:
    """Digest of every regular file below a local directory, by relative path and content."""
    root = Path(path)
    if not root.is_dir():
        raise ValidationError(f"cannot digest directory {str(root)!r}: it is not a directory")
    lines = [f"{_file_hex(root / rel)}  {rel}\n" for rel in _relative_files(root)]
    return PREFIX + hashlib.sha256("".join(lines).encode()).hexdigest()


def digest_uri(uri: str) -> str | None:
    """Digest of what a path or URI points at (a file or a directory), or None if unreadable.

    Local paths and ``file://`` URIs are read directly; other schemes go through fsspec,
    which needs the scheme's own package (``s3fs`` for ``s3://``...).
    """
    local = local_path(uri)
    try:
        if local is not None:
            return digest_directory(local) if local.is_dir() else digest_file(local)
        return digest_remote(uri)
    except (OSError, ValueError, ImportError):
        return None


def local_path(uri: str | os.PathLike[str]) -> Path | None:
    """The local path a path or ``file://`` URI names, or None for another scheme."""
    text = os.fspath(uri)
    if text.startswith("file://"):
        from urllib.parse import unquote, urlparse

        return Path(unquote(urlparse(text).path))
    if "://" in text:
        return None
    return Path(text)


def hash_stream(stream: IO[bytes]) -> str:
    """Hex SHA-256 of everything left in a binary stream, read in chunks."""
    sha = hashlib.sha256()
    for chunk in iter(lambda: stream.read(CHUNK_SIZE), b""):
        sha.update(chunk)
    return sha.hexdigest()


def _file_hex(path: Path) -> str:
    try:
        with path.open("rb") as stream:
            return hash_stream(stream)
    except FileNotFoundError as exc:
        raise ValidationError(f"cannot digest {str(path)!r}: no such file") from exc
    except IsADirectoryError as exc:
        raise ValidationError(f"cannot digest {str(path)!r}: it is a directory, use digest_directory") from exc


def _relative_files(root: Path) -> list[str]:
    """Posix paths, relative to root, of the regular files below it, sorted."""
    found = [Path(top, name).relative_to(root).as_posix() for top, _, names in os.walk(root) for name in names]
    return sorted(rel for rel in found if (root / rel).is_file())


def _remote_files(fs: Any, path: str) -> Iterator[tuple[str, str]]:
    """(relative posix path, absolute path) of each file below a remote directory, sorted."""
    base = path.rstrip("/") + "/"
    for full in sorted(fs.find(path)):
        yield full[len(base) :] if full.startswith(base) else full, full


def digest_remote(uri: str) -> str:
    """Digest of a file or directory behind an fsspec URI (``memory://``, ``s3://``...)."""
    import fsspec

    fs, path = fsspec.core.url_to_fs(uri)
    if fs.isdir(path):
        lines = []
        for rel, full in _remote_files(fs, path):
            with fs.open(full, "rb") as stream:
                lines.append(f"{hash_stream(stream)}  {rel}\n")
        return PREFIX + hashlib.sha256("".join(lines).encode()).hexdigest()
    with fs.open(path, "rb") as stream:
        return PREFIX + hash_stream(stream)
