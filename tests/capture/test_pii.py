"""Sensitive data discovery: per-kind precision and recall on a labelled sample, profiles without raw values."""

from __future__ import annotations

import json
import random
import string
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trailmark.capture import _pii, describe_dataset
from trailmark.capture._pii import KINDS, kind_of_name, kinds_of_values

pd = pytest.importorskip("pandas")

# Column-level labelled sample: each generator makes one column's values; the label is the kind
# it holds (None: not personal data). Built with a fixed seed, so the figures in docs/security.md
# are reproducible: python -m pytest tests/capture/test_pii.py -s prints them.
ROWS = 40


def _luhn_complete(prefix: str, length: int, rng: random.Random) -> str:
    body = prefix + "".join(rng.choice(string.digits) for _ in range(length - len(prefix) - 1))
    for check in string.digits:
        digits = body + check
        total = sum((int(c) * 2 - 9 if int(c) * 2 > 9 else int(c) * 2) if i % 2 else int(c)
                    for i, c in enumerate(reversed(digits)))
        if total % 10 == 0:
            return digits
    raise AssertionError("no check digit")


def _iban(country: str, bban: str) -> str:
    moved = bban + country + "00"
    check = 98 - int("".join(str(int(c, 36)) for c in moved)) % 97
    return f"{country}{check:02d}{bban}"


def _ssn(rng: random.Random) -> str:
    area = rng.choice([a for a in range(1, 900) if a != 666])
    return f"{area:03d}-{rng.randint(1, 99):02d}-{rng.randint(1, 9999):04d}"


GENERATORS = {
    "email": [
        lambda r: f"{r.choice(['ana', 'bo', 'chen'])}.{r.randint(1, 999)}@{r.choice(['mail.com', 'corp.io'])}",
        lambda r: f"{''.join(r.choices(string.ascii_lowercase, k=8))}+tag@example.org",
    ],
    "phone": [
        lambda r: f"+1 {r.randint(200, 999)} {r.randint(200, 999)} {r.randint(1000, 9999)}",
        lambda r: f"({r.randint(200, 999)}) {r.randint(200, 999)}-{r.randint(1000, 9999)}",
        lambda r: f"+44 20 {r.randint(1000, 9999)} {r.randint(1000, 9999)}",
        lambda r: f"+49 30 {r.randint(1000000, 9999999)}",
    ],
    "credit_card": [
        lambda r: _luhn_complete("4", 16, r),
        lambda r: _luhn_complete("51", 16, r),
        lambda r: (lambda n: " ".join(n[i:i + 4] for i in range(0, 16, 4)))(_luhn_complete("4", 16, r)),
        lambda r: _luhn_complete("37", 15, r),
    ],
    "national_id": [_ssn],
    "iban": [
        lambda r: _iban("DE", "".join(r.choices(string.digits, k=18))),
        lambda r: _iban("GB", "WEST" + "".join(r.choices(string.digits, k=14))),
        lambda r: _iban("FR", "".join(r.choices(string.digits, k=23))),
    ],
    "ip_address": [
        lambda r: ".".join(str(r.randint(1, 254)) for _ in range(4)),
        lambda r: f"2001:db8:{r.randint(0, 65535):x}::{r.randint(1, 65535):x}",
    ],
    None: [
        lambda r: str(r.randint(0, 10**9)),  # numeric ids
        lambda r: str(r.randint(10**15, 10**16 - 1)),  # 16-digit ids (a tenth pass Luhn by chance)
        lambda r: f"{r.randint(2000, 2030)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}",  # dates
        lambda r: "".join(r.choices("0123456789abcdef", k=32)),  # hashes
        lambda r: f"SKU-{r.randint(100, 999)}-{r.randint(10, 99)}",  # product codes
        lambda r: r.choice(["paris", "lyon", "berlin", "oslo", "rome"]),  # cities
        lambda r: f"{r.random() * 1000:.2f}",  # amounts as text
        lambda r: f"v{r.randint(0, 9)}.{r.randint(0, 20)}.{r.randint(0, 99)}",  # versions
        lambda r: f"{r.randint(100, 999)}-{r.randint(100, 999)}",  # short codes with a dash
        lambda r: " ".join(r.choices(["the", "model", "data", "is", "good", "late"], k=6)),  # prose
        lambda r: f"order {r.randint(1, 99999)}",
        lambda r: f"{r.randint(10, 99)}:{r.randint(10, 59)}:{r.randint(10, 59)}",  # times
    ],
}


def labelled_columns(seed: int = 7, per_generator: int = 25) -> list[tuple[str | None, list[str]]]:
    rng = random.Random(seed)
    return [(kind, [make(rng) for _ in range(ROWS)])
            for kind, makers in GENERATORS.items() for make in makers for _ in range(per_generator)]


def scores() -> dict[str, tuple[float, float, int]]:
    """kind -> (precision, recall, positives) over the labelled sample."""
    found = [(kind, set(kinds_of_values(values))) for kind, values in labelled_columns()]
    out = {}
    for kind in KINDS:
        if kind == "person_name":
            continue  # told by column names only: see test_telling_column_names
        tp = sum(1 for truth, got in found if truth == kind and kind in got)
        fp = sum(1 for truth, got in found if truth != kind and kind in got)
        fn = sum(1 for truth, got in found if truth == kind and kind not in got)
        out[kind] = (tp / (tp + fp) if tp + fp else 1.0, tp / (tp + fn) if tp + fn else 1.0, tp + fn)
    return out


def test_each_kind_is_found_with_high_precision_and_recall(capsys):
    table = scores()
    with capsys.disabled():
        print("\nkind | precision | recall | columns")
        for kind, (precision, recall, n) in table.items():
            print(f"{kind} | {precision:.3f} | {recall:.3f} | {n}")
    for kind, (precision, recall, _) in table.items():
        assert precision >= 0.98, f"{kind}: precision {precision:.3f}"
        assert recall >= 0.98, f"{kind}: recall {recall:.3f}"


def test_telling_column_names():
    assert [kind_of_name(n) for n in ("customer_email", "PhoneNumber", "last_name", "SSN", "client_ip", "iban")] == [
        "email", "phone", "person_name", "national_id", "ip_address", "iban"]
    assert [kind_of_name(n) for n in ("email_sent", "name", "surname_length", "pipeline")] == [None] * 4


def test_a_profile_of_personal_or_sensitive_columns_keeps_no_raw_value():
    emails = [f"user{i % 10}@example.org" for i in range(50)]
    nicknames = [f"fox-{i % 10}" for i in range(50)]
    df = pd.DataFrame({"contact": emails, "nick": nicknames, "born": pd.date_range("1970-01-01", periods=50),
                       "city": ["paris", "lyon"] * 25})
    props = describe_dataset(df, sensitive=["nick", "born"]).properties
    text = json.dumps(props)
    assert props["pii"] == {"contact": ["email"]}
    assert props["sensitive"] == ["contact", "nick", "born"]
    assert not [v for v in emails + nicknames if v in text] and "1970-01-01" not in text
    assert props["categorical"]["contact"] == {"cardinality": 10}
    assert props["categorical"]["city"]["top"], "other columns keep their summaries"
    with pytest.raises(ValueError, match="no such column"):
        describe_dataset(df, sensitive=["nope"])


def test_detection_reads_a_bounded_sample():
    rows = 1_000_000
    df = pd.DataFrame({"email": [f"u{i}@example.org" for i in range(rows)]})
    from trailmark.capture._pii import detect_columns
    from trailmark.capture._tables import to_tabular

    table = to_tabular(df).table
    started = time.perf_counter()
    assert detect_columns(table) == {"email": ["email"]}
    assert time.perf_counter() - started < 0.5, "detection must not read every row"


def _every_value_checked(values):
    """kinds_of_values without its shortcuts: each value through the detectors, the share at the end."""
    counts, seen = {}, 0
    for value in values:
        text = value.strip() if isinstance(value, str) else ""
        if not text or len(text) > _pii.MAX_LENGTH:
            continue
        seen += 1
        kind = next((k for k, matches in _pii.DETECTORS if matches(text)), None)
        if kind is not None:
            counts[kind] = counts.get(kind, 0) + 1
    if seen < _pii.MIN_MATCHES:
        return []
    needed = max(_pii.MIN_MATCHES, _pii.SHARE * seen)
    return [k for k, _ in _pii.DETECTORS if counts.get(k, 0) >= needed]


_MIXED = ["ana@example.com", "bo@example.org", "4111111111111111", "536-22-8714", "+44 20 7946 0958",
          "10.0.0.1", "DE89370400440532013000", "Lyon", "x-17", "", "  ", None, 42, "a" * 80]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_MIXED), max_size=60))
def test_checking_each_distinct_value_once_finds_what_checking_every_value_finds(values):
    assert _pii.kinds_of_values(values) == _every_value_checked(values)
