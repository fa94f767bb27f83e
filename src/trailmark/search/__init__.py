"""The search filter language: parse filter text, compile it to SQL.

Example:
    >>> from trailmark.search import parse
    >>> parse("metrics.rmse < 0.5 and params.model = 'rf'")  # doctest: +ELLIPSIS
    And(items=(Comparison(...), Comparison(...)))

See docs/search.md for the language.
"""

from trailmark.search._compile import JOINABLE, KINDS, Compiler, guaranteed, key_of, table_of
from trailmark.search._parse import parse, parse_order
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
    names_field,
)

__all__ = [
    "JOINABLE",
    "KINDS",
    "And",
    "Comparison",
    "Compiler",
    "Field",
    "InList",
    "IsNull",
    "Lineage",
    "Node",
    "Not",
    "Now",
    "Or",
    "guaranteed",
    "key_of",
    "names_field",
    "parse",
    "parse_order",
    "table_of",
]
