"""A list of ids bound as one parameter: ``column IN (the ids)`` is one statement however many there are.

SQLite reads the list as a JSON array (``json_each``), PostgreSQL as an array (``= ANY``); no
chunks under the drivers' limits on parameters, and one statement the database plans once.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ARRAY, BigInteger, ColumnElement, Connection, any_, bindparam, func, select


def among(conn: Connection, column: ColumnElement[Any], ids: Sequence[int]) -> ColumnElement[bool]:
    """``column`` is one of ``ids``."""
    if conn.dialect.name == "postgresql":
        return column == any_(bindparam("ids", list(ids), type_=ARRAY(BigInteger()), unique=True))
    listed = func.json_each(bindparam("ids", json.dumps(list(ids)), unique=True)).table_valued("value")
    return column.in_(select(listed.c.value))
