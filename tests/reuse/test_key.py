"""The cache key's parts, and the archive a kept result travels in."""

from __future__ import annotations

import pytest

from trailmark.errors import ValidationError
from trailmark.reuse._codec import Unkeepable, decode, encode
from trailmark.reuse._key import Undigestible, cache_disabled, cache_key, code_digest, param_value


def _compiled(body: str):
    namespace: dict = {}
    exec(compile(f"def step(x):\n    {body}\n", "<no source>", "exec"), namespace)  # no file: no source
    return namespace["step"]


def test_code_without_source_is_digested_by_its_bytecode():
    one, same, other = _compiled("return x + 1"), _compiled("return x + 1"), _compiled("return x + 2")
    assert code_digest(one) == code_digest(same) != code_digest(other)


def test_source_digest_follows_the_text():
    def a(x):
        return x

    def b(x):
        return x  # a comment is a change of code too

    assert code_digest(a) != code_digest(b) and code_digest(a).startswith("sha256:")


def test_key_changes_with_each_part():
    base = {"type": "Preprocess", "name": "clean", "code": "sha256:" + "1" * 64, "params": {"k": 1},
            "inputs": [("df", "sha256:" + "2" * 64)]}
    key = cache_key(**base)
    assert cache_key(**base) == key
    for part, value in [("type", "Train"), ("name", "other"), ("code", "sha256:" + "3" * 64), ("params", {"k": 2}),
                        ("inputs", [("df", "sha256:" + "4" * 64)])]:
        assert cache_key(**{**base, part: value}) != key, part


def test_params_must_be_plain_data():
    assert param_value("k", {"a": [1, 2.5, None, "x", True]}) == {"a": [1, 2.5, None, "x", True]}
    for value in (object(), float("nan"), {1: "a"}, [lambda: 0]):
        with pytest.raises(Undigestible, match="argument 'k'"):
            param_value("k", value)


def test_cache_env_values():
    assert all(cache_disabled({"TRAILMARK_CACHE": v}) for v in ("off", "OFF", "0", "false", "no"))
    assert not any(cache_disabled(e) for e in ({}, {"TRAILMARK_CACHE": "on"}))


def test_archive_round_trip_and_refusals():
    np = pytest.importorskip("numpy")
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"a": [1.0, None], "b": ["x", "y"]}, index=[10, 20])
    value = {"frame": frame, "series": pd.Series([1, 2]), "array": np.arange(3), "raw": b"\x00", "t": (1, [2, None])}
    back = decode(encode(value), name="r")
    pd.testing.assert_frame_equal(back["frame"], frame)
    pd.testing.assert_series_equal(back["series"], value["series"])
    assert back["array"].tolist() == [0, 1, 2] and back["raw"] == b"\x00" and back["t"] == (1, [2, None])
    for bad in (iter([1]), np.array([object()]), {1: 2}):
        with pytest.raises(Unkeepable):
            encode(bad)
    with pytest.raises(ValidationError, match="r is not a readable step result"):
        decode(b"not a zip", name="r")
