"""The search filter language: filter text parsed into a tree (``store.sql._filters`` compiles it to SQL).

Example:
    >>> from trailmark.search import parse
    >>> parse("metrics.rmse < 0.5 and params.model = 'rf'")  # doctest: +ELLIPSIS
    And(items=(Comparison(...), Comparison(...)))

See docs/search.md for the language.
"""

from trailmark.search._parse import parse, parse_datetime, parse_order
from trailmark.search._tree import (
    And,
    Comparison,
    Field,
    InList,
    IsNull,
    Lineage,
    Node,
    Not,
    Now,
    Or,
    Value,
    names_field,
)

__all__ = [
    "And",
    "Comparison",
    "Field",
    "InList",
    "IsNull",
    "Lineage",
    "Node",
    "Not",
    "Now",
    "Or",
    "names_field",
    "Value",
    "parse",
    "parse_datetime",
    "parse_order",
]
