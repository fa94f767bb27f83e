"""Every audit state a write builds from its values, compared with the rows it describes."""

from __future__ import annotations

from typing import Any

import pytest

from trailmark.audit._chain import canonical_json
from trailmark.store.sql import _audit, _state


def compare_built_states(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[Any]]:
    """From now on, note each built state as ``built`` (equal to the rows), ``read`` (None: rows read) or ``wrong``."""
    seen: dict[str, list[Any]] = {"built": [], "read": [], "wrong": []}
    append = _audit.append

    def comparing(conn: Any, **kw: Any) -> Any:
        build = kw.get("state")
        if build is not None:
            def compare(c: Any, prior: Any) -> Any:
                got = build(c, prior)
                if got is None:
                    seen["read"].append(kw["action"])
                elif canonical_json(got) != canonical_json(_state.node_state(c, kw["node"])):
                    seen["wrong"].append((kw["action"], got))
                else:
                    seen["built"].append(kw["action"])
                return got
            kw["state"] = compare
        return append(conn, **kw)

    monkeypatch.setattr(_audit, "append", comparing)
    return seen
