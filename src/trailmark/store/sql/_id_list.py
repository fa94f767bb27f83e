"""A list of ids bound as one parameter: ``column IN (the ids)`` is one statement however many there are,
built once and run with any list.

SQLite reads the list as a JSON array (``json_each``), PostgreSQL as an array (``= ANY``); no
chunks under the drivers' limits on parameters, and one statement the database plans once.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ARRAY, BigInteger, ColumnElement, any_, bindparam, func, select


def among(dialect_name: str, column: ColumnElement[Any], name: str) -> ColumnElement[bool]:
    """``column`` is one of the ids bound as ``name`` (the value of :func:`bound_ids`): for statements built once."""
    if dialect_name == "postgresql":
        return column == any_(bindparam(name, type_=ARRAY(BigInteger())))
    return column.in_(select(func.json_each(bindparam(name)).table_valued("value").c.value))


def bound_ids(dialect_name: str, ids: Sequence[int]) -> Any:
    """``ids`` as :func:`among` takes them."""
    return list(ids) if dialect_name == "postgresql" else json.dumps(list(ids))
