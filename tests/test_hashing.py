"""Digests of bytes, files, directories and URIs."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest

from trailmark.errors import ValidationError
from trailmark.hashing import digest_bytes, digest_directory, digest_file, digest_uri


def sha(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def make_tree(root: Path, files: dict[str, bytes]) -> Path:
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


TREE = {"b.csv": b"x\n1\n", "a/one.parquet": b"PAR1", "a/z/deep.txt": b"deep", "é.txt": b"accent"}


def test_digest_bytes_is_sha256() -> None:
    assert digest_bytes(b"trailmark") == sha(b"trailmark")
    assert digest_bytes(memoryview(b"abc")) == sha(b"abc")


def test_digest_file_matches_hashlib_on_a_multi_chunk_file(tmp_path: Path) -> None:
    data = bytes(range(256)) * 20_000  # 5 MB: several read chunks
    path = tmp_path / "data.bin"
    path.write_bytes(data)
    assert digest_file(path) == sha(data)
    assert digest_file(str(path)) == sha(data)


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="sha256sum not installed")
def test_digest_file_matches_sha256sum(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(b"a,b\n1,2\n")
    printed = subprocess.run(["sha256sum", str(path)], capture_output=True, text=True, check=True).stdout
    assert digest_file(path) == "sha256:" + printed.split()[0]


def test_digest_file_of_a_missing_file_names_it(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match=r"nope\.csv"):
        digest_file(tmp_path / "nope.csv")


def test_directory_digest_ignores_creation_order(tmp_path: Path) -> None:
    first = make_tree(tmp_path / "first", TREE)
    second = make_tree(tmp_path / "second", dict(reversed(list(TREE.items()))))
    assert digest_directory(first) == digest_directory(second)


def test_directory_digest_is_the_sorted_sha256sum_listing(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "d", TREE)
    listing = "".join(f"{hashlib.sha256(TREE[rel]).hexdigest()}  {rel}\n" for rel in sorted(TREE))
    assert digest_directory(root) == sha(listing.encode())


def test_directory_digest_changes_with_content_and_names(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "d", TREE)
    before = digest_directory(root)
    (root / "b.csv").write_bytes(b"x\n2\n")
    changed = digest_directory(root)
    (root / "b.csv").rename(root / "c.csv")
    renamed = digest_directory(root)
    assert len({before, changed, renamed}) == 3


def test_empty_directory_digest(tmp_path: Path) -> None:
    assert digest_directory(tmp_path) == sha(b"")


def test_digest_directory_rejects_a_file(tmp_path: Path) -> None:
    path = tmp_path / "f.txt"
    path.write_bytes(b"x")
    with pytest.raises(ValidationError, match="not a directory"):
        digest_directory(path)


def test_digest_uri_reads_paths_and_file_uris(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(b"a\n1\n")
    root = make_tree(tmp_path / "dir", TREE)
    assert digest_uri(str(path)) == sha(b"a\n1\n")
    assert digest_uri(path.as_uri()) == sha(b"a\n1\n")
    assert digest_uri(root.as_uri()) == digest_directory(root)


def test_digest_uri_goes_through_fsspec_for_other_schemes() -> None:
    fsspec = pytest.importorskip("fsspec")
    fs = fsspec.filesystem("memory")
    fs.pipe({"/tm-hashing/d/x.csv": b"a\n1\n", "/tm-hashing/d/sub/y.csv": b"b\n2\n"})
    try:
        assert digest_uri("memory://tm-hashing/d/x.csv") == sha(b"a\n1\n")
        x_hex, y_hex = hashlib.sha256(b"a\n1\n").hexdigest(), hashlib.sha256(b"b\n2\n").hexdigest()
        listing = f"{y_hex}  sub/y.csv\n{x_hex}  x.csv\n"
        assert digest_uri("memory://tm-hashing/d") == sha(listing.encode())
    finally:
        fs.rm("/tm-hashing", recursive=True)


def test_digest_uri_is_none_when_unreadable(tmp_path: Path) -> None:
    assert digest_uri(str(tmp_path / "missing.csv")) is None
    assert digest_uri("memory://tm-hashing/never-written") is None
    assert digest_uri("nosuchscheme://bucket/key") is None
