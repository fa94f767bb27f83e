"""Sensitive data discovery: which columns of a table hold personal data, and of what kind.

Each string column is checked on a bounded, evenly spaced sample of its values (at most
``SAMPLE`` of them, so a million rows cost what a thousand do): a column is of a kind when
at least ``SHARE`` of its non-empty sampled values match that kind's detector. Detectors
check structure, not just shape: card numbers pass Luhn, IBANs mod-97, SSNs the ranges the
US never issues, IP addresses :mod:`ipaddress`. Column names tell too (``email``,
``phone_number``, ``last_name``...), whatever the values look like.

Example:
    >>> detect_columns(table)
    {'email': ['email'], 'ref_code': ['credit_card']}
"""

from __future__ import annotations

import ipaddress
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa

KINDS = ("email", "phone", "credit_card", "national_id", "iban", "ip_address", "person_name")
SAMPLE = 1000
SHARE = 0.6
MIN_MATCHES = 3  # a handful of hits in a tiny column is not a pattern
MAX_LENGTH = 64  # longer text is prose or a document, not one identifier

_EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}")
_SSN = re.compile(r"(\d{3})-(\d{2})-(\d{4})")
_NINO = re.compile(r"[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]")  # UK National Insurance
_CARD = re.compile(r"\d(?:[ -]?\d){12,18}")
_IBAN = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}")
_PHONE = re.compile(r"\+?(?:\(\d{1,4}\)|\d{1,4})(?:[ .-]?(?:\(\d{1,4}\)|\d{1,5})){1,5}")
_DATE = re.compile(r"\d{4}[./-]\d{1,2}[./-]\d{1,2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}")
_CARD_PREFIX = re.compile(r"4|5[1-5]|2[2-7]|3[47]|3[0689]|6[05]|35")


def _is_email(value: str) -> bool:
    return _EMAIL.fullmatch(value) is not None


def _is_ssn(value: str) -> bool:
    found = _SSN.fullmatch(value)
    if found is None:
        return _NINO.fullmatch(value) is not None
    area, group, serial = found.groups()
    return area not in ("000", "666") and area[0] != "9" and group != "00" and serial != "0000"


def _luhn(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = ord(char) - 48
        if position % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def _is_card(value: str) -> bool:
    if _CARD.fullmatch(value) is None:
        return False
    digits = value.replace(" ", "").replace("-", "")
    return 13 <= len(digits) <= 19 and _CARD_PREFIX.match(digits) is not None and _luhn(digits)


def _is_iban(value: str) -> bool:
    compact = value.replace(" ", "").upper()
    if _IBAN.fullmatch(compact) is None:
        return False
    moved = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


def _is_ip(value: str) -> bool:
    if not (":" in value or value.count(".") == 3):
        return False
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _is_phone(value: str) -> bool:
    if _PHONE.fullmatch(value) is None or _DATE.fullmatch(value) is not None:
        return False
    digits = sum(c.isdigit() for c in value)
    # A bare run of digits is an id, not a phone number, unless written the international way.
    if value.isdigit():
        return False
    return 8 <= digits <= 15 and (value.startswith("+") or digits >= 10 or "(" in value)


# Checked in order; a value counts for the first kind it matches.
DETECTORS: list[tuple[str, Callable[[str], bool]]] = [
    ("email", _is_email),
    ("ip_address", _is_ip),
    ("iban", _is_iban),
    ("credit_card", _is_card),
    ("national_id", _is_ssn),
    ("phone", _is_phone),
]

_NAMES: dict[str, str] = {
    **dict.fromkeys(("email", "e_mail", "email_address", "mail_address", "emailaddress"), "email"),
    **dict.fromkeys(("phone", "phone_number", "phonenumber", "telephone", "tel", "mobile", "mobile_number",
                     "cell", "cell_phone", "fax"), "phone"),
    **dict.fromkeys(("credit_card", "credit_card_number", "card_number", "cc_number", "ccn", "pan"), "credit_card"),
    **dict.fromkeys(("ssn", "social_security_number", "social_security", "national_id", "national_id_number",
                     "passport", "passport_number", "tax_id", "nino", "national_insurance_number", "sin"),
                    "national_id"),
    **dict.fromkeys(("iban", "bank_account", "account_iban"), "iban"),
    **dict.fromkeys(("ip", "ip_address", "ipv4", "ipv6", "ip_addr", "remote_addr"), "ip_address"),
    **dict.fromkeys(("person_name", "full_name", "fullname", "first_name", "firstname", "last_name", "lastname",
                     "surname", "given_name", "family_name", "maiden_name", "middle_name"), "person_name"),
}
_PREFIXES = ("customer", "client", "user", "patient", "employee", "contact", "person", "billing", "home", "work",
             "primary", "member", "holder", "owner", "applicant", "source", "dest", "src", "dst")


def kind_of_name(column: str) -> str | None:
    """The kind a column's name tells (``customer_email`` -> ``email``), or None."""
    name = re.sub(r"[^a-z0-9]+", "_", re.sub(r"([a-z])([A-Z])", r"\1_\2", column).lower()).strip("_")
    if name in _NAMES:
        return _NAMES[name]
    head, _, rest = name.partition("_")
    return _NAMES.get(rest) if head in _PREFIXES else None


def kinds_of_values(values: Iterable[Any]) -> list[str]:
    """The kinds that at least ``SHARE`` of the non-empty values match.

    Each distinct value is checked once, the most frequent first, and the checks stop as soon
    as no kind can reach the share any more: a column of a few repeated names, or one that
    matches nothing, costs a fraction of its sample.
    """
    texts: Counter[str] = Counter()
    for value in values:
        if isinstance(value, str):
            text = value.strip()
            if text and len(text) <= MAX_LENGTH:
                texts[text] += 1
    seen = sum(texts.values())
    if seen < MIN_MATCHES:
        return []
    needed = max(MIN_MATCHES, SHARE * seen)
    counts: dict[str, int] = {}
    left = seen
    for text, times in texts.most_common():
        if max(counts.values(), default=0) + left < needed:
            break
        left -= times
        for kind, matches in DETECTORS:
            if matches(text):
                counts[kind] = counts.get(kind, 0) + times
                break
    return [kind for kind, _ in DETECTORS if counts.get(kind, 0) >= needed]


def sample(array: pa.Array | pa.ChunkedArray, size: int = SAMPLE) -> list[Any]:
    """At most ``size`` non-null values, evenly spaced over the column (deterministic)."""
    import numpy as np

    values = array.drop_null()
    if len(values) > size:
        values = values.take(np.linspace(0, len(values) - 1, size).astype(np.int64))
    found: list[Any] = values.to_pylist()  # pyarrow ships no types
    return found


def detect_columns(table: pa.Table, *, size: int = SAMPLE) -> dict[str, list[str]]:
    """``{column: [kind, ...]}`` for every column a name or a value sample marks as personal data."""
    import pyarrow.types as pat

    found: dict[str, list[str]] = {}
    for name, column in zip(table.schema.names, table.columns, strict=True):
        kinds: list[str] = []
        by_name = kind_of_name(name)
        if by_name is not None:
            kinds.append(by_name)
        dtype = column.type
        if pat.is_dictionary(dtype):
            column, dtype = column.cast(dtype.value_type), dtype.value_type
        if pat.is_string(dtype) or pat.is_large_string(dtype) or pat.is_string_view(dtype):
            kinds += [k for k in kinds_of_values(sample(column, size)) if k not in kinds]
        if kinds:
            found[name] = sorted(kinds, key=KINDS.index)
    return found


# Keys of a column's summary that hold no value of the column, only counts.
_COUNTS = frozenset({"count", "cardinality", "missing", "null_count", "nulls", "distinct", "rows", "length",
                     "mean_length", "approximate"})


def withhold(properties: dict[str, Any], columns: Iterable[str]) -> dict[str, Any]:
    """``properties`` with no raw value of ``columns``: in each per-column section, only counts stay.

    Works on any section keyed by column name (``stats``, ``categorical``, and whatever a
    profile adds later): a column's dict keeps only count keys, a bare number stays (a
    missing count), anything else (values, lists of values, histograms) goes.
    """
    hidden = set(columns)
    if not hidden:
        return properties
    out: dict[str, Any] = {}
    for key, section in properties.items():
        if isinstance(section, Mapping) and hidden & set(section) and key not in ("pii", "schema"):
            section = {col: _counts_only(value) if col in hidden else value for col, value in section.items()}
            section = {col: value for col, value in section.items() if value is not _DROP}
        out[key] = section
    return out


_DROP = object()


def _counts_only(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: v for k, v in value.items() if k in _COUNTS and isinstance(v, (int, float, bool, type(None)))}
    if isinstance(value, (int, float, bool)) or value is None:
        return value
    return _DROP
