"""ArtifactRoot on a local folder and on fsspec's memory filesystem: stored once, read back checked."""

from __future__ import annotations

import hashlib
import io
import uuid

import pytest

from trailmark.artifacts import ArtifactRoot, CorruptArtifactError
from trailmark.errors import NotFoundError, ValidationError

DATA = b"residuals " * 100_000  # about 1 MiB: more than one chunk


@pytest.fixture(params=["file", "memory"])
def root(request, tmp_path) -> ArtifactRoot:
    if request.param == "file":
        return ArtifactRoot((tmp_path / "root").as_uri())
    return ArtifactRoot(f"memory://tm-test-{uuid.uuid4().hex}")


def test_bytes_come_back_under_their_sha256(root):
    digest = root.put_bytes(DATA)
    assert digest == "sha256:" + hashlib.sha256(DATA).hexdigest()
    with root.open(digest, name="plot:x@1") as f:
        assert f.read() == DATA
    assert root.uri(digest).endswith(digest.removeprefix("sha256:"))


def test_the_same_bytes_are_kept_once(root):
    first = root.put_stream(io.BytesIO(DATA))
    second = root.put_chunks([DATA[:10], DATA[10:]])
    assert first == second
    assert len(root.fs.find(f"{root._base}/sha256")) == 1
    assert root.fs.find(f"{root._base}/tmp") == []  # no temporary file left behind


def test_changed_bytes_fail_the_read_naming_the_artifact(root):
    digest = root.put_bytes(DATA)
    path = root.path(digest)
    if root._local:
        import os

        os.chmod(path, 0o644)
    with root.fs.open(path, "wb") as f:
        f.write(DATA[:-1] + b"!")
    with pytest.raises(CorruptArtifactError, match="plot:x@1"), root.open(digest, name="plot:x@1") as f:
        f.read()
    with pytest.raises(CorruptArtifactError, match="plot:x@1"), root.open(digest, name="plot:x@1") as f:
        while f.read(4096):  # chunked reads fail at the end too
            pass


def test_unknown_digest_and_bad_digest(root):
    with pytest.raises(NotFoundError, match="not in the artifact root"):
        root.open("sha256:" + "0" * 64)
    with pytest.raises(ValidationError, match="not a sha256 digest"):
        root.path("md5:abc")


def test_local_files_are_read_only(tmp_path):
    root = ArtifactRoot(str(tmp_path / "plain-path"))
    digest = root.put_bytes(b"x")
    assert root.url.startswith("file://")
    assert (tmp_path / "plain-path" / "sha256" / digest[7:9] / digest[7:]).stat().st_mode & 0o222 == 0
    assert root.delete(digest) and not root.exists(digest)
