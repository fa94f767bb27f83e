"""MLflow's artifact proxy over the artifact root: a path (``EXP/RUN/artifacts/notes.txt``)
names bytes kept once by digest; listing walks the paths, downloads are checked."""

from __future__ import annotations

import posixpath
from collections.abc import AsyncIterator
from typing import Any

from anyio import to_thread
from sqlalchemy import Connection, delete, select

from trailmark.artifacts import VerifiedReader
from trailmark.mlflow._errors import invalid, missing
from trailmark.mlflow._tx import read, write
from trailmark.store.sql._audit import Change
from trailmark.store.sql._mlflow_tables import mlflow_files
from trailmark.store.sql._store import SqlStore
from trailmark.store.sql._upsert import upsert


def clean_path(path: str | None, *, allow_root: bool = False) -> str:
    """A relative, normalised path; INVALID_PARAMETER_VALUE for anything that could leave the root."""
    text = (path or "").strip("/")
    if not text:
        if allow_root:
            return ""
        raise invalid("Invalid path: an artifact path is required")
    parts = text.split("/")
    if any(p in ("", ".", "..") for p in parts) or "\\" in text or "\x00" in text:
        raise invalid(f"Invalid path: {path!r}")
    return text


async def upload(store: SqlStore, path: str, chunks: AsyncIterator[bytes]) -> None:
    """Keep the streamed body under ``path`` (a later upload of the same path replaces it)."""
    target = clean_path(path)
    root = store.artifact_root
    writer = await to_thread.run_sync(root.writer)
    try:
        async for chunk in chunks:
            if chunk:
                await to_thread.run_sync(writer.write, chunk)
        digest = await to_thread.run_sync(writer.commit)
    finally:
        writer.discard()
    await to_thread.run_sync(record, store, target, digest, writer.size)


def record(store: SqlStore, path: str, digest: str, size: int) -> None:
    def work(conn: Connection) -> None:
        upsert(conn, mlflow_files, {"project_id": store._project_id, "path": path, "digest": digest, "size": size,
                                    "created_at": store.clock.now()},
               keys=["project_id", "path"], update=["digest", "size", "created_at"])

    write(store, work, audit=lambda _: Change("mlflow.artifact", f"mlflow-artifacts:/{path}", {"digest": digest,
                                                                                             "size": size}))


def entry(store: SqlStore, path: str) -> Any | None:
    with read(store) as conn:
        return conn.execute(select(mlflow_files).where(
            mlflow_files.c.project_id == store._project_id, mlflow_files.c.path == path)).first()


def open_file(store: SqlStore, path: str) -> tuple[VerifiedReader, int]:
    target = clean_path(path)
    found = entry(store, target)
    if found is None:
        raise missing(f"No such file or directory: '{target}'")
    return store.artifact_root.open(found.digest, name=f"mlflow-artifacts:/{target}"), int(found.size)


def under(store: SqlStore, prefix: str) -> list[Any]:
    """Every file at or below ``prefix`` (a directory path, '' for all)."""
    query = select(mlflow_files).where(mlflow_files.c.project_id == store._project_id)
    if prefix:
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(mlflow_files.c.path.like(escaped + "/%", escape="\\"))
    with read(store) as conn:
        return list(conn.execute(query.order_by(mlflow_files.c.path)))


def listing(store: SqlStore, path: str | None) -> list[dict[str, Any]]:
    """One level of the tree under ``path``, as MLflow lists it: names relative to ``path``."""
    prefix = clean_path(path, allow_root=True)
    seen: dict[str, dict[str, Any]] = {}
    for row in under(store, prefix):
        rest = row.path[len(prefix) + 1:] if prefix else row.path
        head, _, tail = rest.partition("/")
        if tail:
            seen.setdefault(head, {"path": head, "is_dir": True})
        else:
            seen[head] = {"path": head, "is_dir": False, "file_size": int(row.size)}
    return [seen[k] for k in sorted(seen)]


def remove(store: SqlStore, path: str) -> None:
    target = clean_path(path)

    def work(conn: Connection) -> None:
        conn.execute(delete(mlflow_files).where(mlflow_files.c.project_id == store._project_id,
                                                (mlflow_files.c.path == target)
                                                | mlflow_files.c.path.like(target + "/%")))

    write(store, work, audit=lambda _: Change("mlflow.artifact.delete", f"mlflow-artifacts:/{target}", {}))


def tree_digest(store: SqlStore, prefix: str) -> str | None:
    """One digest for the files under ``prefix`` (their relative paths and digests), None when there are none."""
    from trailmark import hashing

    rows = under(store, prefix)
    if not rows:
        return None
    listing_text = "\n".join(f"{posixpath.relpath(r.path, prefix)}\t{r.digest}" for r in rows)
    return hashing.digest_bytes(listing_text.encode())
