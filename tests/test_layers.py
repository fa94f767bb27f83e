"""Who may import whom (docs/development.md, "Layers"): the store sits below tracking, the registry, compare,
the CLI and the server; capture is pure; HttpStore and SqlStore are built from parts, not mixins."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import trailmark
from trailmark.store._base import StoreBase
from trailmark.store.http import HttpStore
from trailmark.store.sql import SqlStore

SRC = Path(trailmark.__file__).parent
ABOVE_THE_STORE = {"tracking", "registry", "compare", "cli", "server", "mlflow"}
CAPTURE_MAY_IMPORT = {"capture", "errors", "hashing"}


def _imported(package: str) -> dict[str, set[str]]:
    """For each module of ``package``, the trailmark subpackages it imports at run time (lazily too;
    ``if TYPE_CHECKING:`` blocks, which only name types, are left out)."""
    found: dict[str, set[str]] = {}
    for path in sorted((SRC / package).rglob("*.py")):
        names: set[str] = set()
        stack: list[ast.AST] = [ast.parse(path.read_text(encoding="utf-8"))]
        while stack:
            node = stack.pop()
            if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
                stack.extend(node.orelse)
                continue
            stack.extend(ast.iter_child_nodes(node))
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                modules = [node.module]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            else:
                continue
            names |= {m.split(".")[1] for m in modules if m.startswith("trailmark.")}
        found[str(path.relative_to(SRC))] = names
    return found


@pytest.mark.parametrize(("package", "allowed", "forbidden"), [
    ("store", None, ABOVE_THE_STORE),
    ("capture", CAPTURE_MAY_IMPORT, None),
])
def test_lower_layers_import_nothing_above_them(package, allowed, forbidden):
    wrong = {}
    for module, names in _imported(package).items():
        bad = names & forbidden if forbidden is not None else names - allowed
        if bad:
            wrong[module] = sorted(bad)
    assert not wrong, f"{package}/ reaches up a layer: {wrong}"


def test_http_store_is_composed_of_parts_not_mixins():
    assert HttpStore.__bases__ == (StoreBase,)
    for path in (SRC / "store" / "http").glob("*.py"):
        assert "self._request" not in path.read_text(encoding="utf-8") or path.name == "_store.py", (
            f"{path.name} calls its host's _request: hand it the transport instead"
        )


def test_sql_store_is_composed_of_parts_not_mixins():
    assert SqlStore.__bases__ == (StoreBase,)
    for path in (SRC / "store" / "sql").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        reached = [name for name in ("_write", "_read", "_resolve", "_project_id") if f"self.{name}" in text]
        assert not reached or path.name in ("_store.py", "_views.py"), (
            f"{path.name} reaches into its host ({', '.join(reached)}): hand it the store's Scope instead"
        )
