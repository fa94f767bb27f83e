"""Reference parsing: every documented form, and arbitrary text never escapes as anything but ValidationError."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trailmark.errors import ValidationError
from trailmark.refs import ArtifactRef, DigestRef, ExecutionRef, IdRef, format_ref, parse_ref


@pytest.mark.parametrize(
    "text, expected",
    [
        ("dataset:housing-raw@3", ArtifactRef("dataset", "housing-raw", version=3)),
        ("dataset:housing-raw", ArtifactRef("dataset", "housing-raw")),
        ("model:house-price-rf@production", ArtifactRef("model", "house-price-rf", alias="production")),
        ("Model:a.b/c@1", ArtifactRef("model", "a.b/c", version=1)),
        ("exec:42", ExecutionRef(42)),
        ("sha256:ABCDEF0123", DigestRef("abcdef0123")),
        (" 42 ", IdRef(42)),
    ],
)
def test_forms(text, expected):
    assert parse_ref(text) == expected


@given(st.text(max_size=80))
def test_any_text_parses_or_raises_validation_error(text):
    try:
        parsed = parse_ref(text)
    except ValidationError as exc:
        assert "reference" in str(exc)
    else:
        assert str(parsed)


@given(
    st.from_regex(r"[a-z][a-z0-9_\-]{0,10}", fullmatch=True),
    st.from_regex(r"[a-z0-9][a-z0-9._\-]{0,20}", fullmatch=True),
    st.integers(min_value=1, max_value=10**6),
)
def test_format_then_parse_round_trips(type_, name, version):
    assert parse_ref(format_ref(type_, name, version)) == ArtifactRef(type_, name, version=version)
