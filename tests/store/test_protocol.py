"""The Store protocol is the whole contract: every public member of a backend is on it, and both backends have it all.

A method added to SqlStore or HttpStore without the protocol (or the other backend) fails
here, so callers never need ``hasattr`` or ``# type: ignore`` to reach it.
"""

from __future__ import annotations

import inspect

import pytest

from trailmark.store import Store
from trailmark.store.http import HttpStore
from trailmark.store.sql import SqlStore

ATTRIBUTES = {"project", "clock", "reader_role"}  # data members, set per instance
# What the process hosting the database uses (a server opens one SqlStore and sets it up), by
# design not part of the client contract (docs/python-api.md, "Hosting a store").
HOSTING = {
    "artifact_root": "the artifact root whose bytes the server's blob and MLflow artifact routes stream",
    "serve_webhooks": "starts webhook delivery in this process, as each server worker does",
    "webhook_policy": "which webhook targets this process accepts (--webhook-deny-private)",
}


def _public(cls: type) -> set[str]:
    return {name for name in dir(cls) if not name.startswith("_")}


def _protocol_members() -> set[str]:
    names = _public(Store) | {"__enter__", "__exit__"}
    for base in Store.__mro__:
        names |= {n for n in vars(base).get("__annotations__", {}) if not n.startswith("_")}
    return names


PROTOCOL = _protocol_members()
BACKENDS = {"SqlStore": SqlStore, "HttpStore": HttpStore}
EVERY_NAME = sorted((PROTOCOL | _public(SqlStore) | _public(HttpStore)) - set(HOSTING))


@pytest.mark.parametrize("name", EVERY_NAME)
def test_every_public_member_is_on_the_protocol_and_on_both_backends(name):
    assert name in PROTOCOL, f"{name} is public on a backend but not on the Store protocol (store/_protocol.py)"
    if name in ATTRIBUTES:
        return
    missing = [backend for backend, cls in BACKENDS.items() if not hasattr(cls, name)]
    assert not missing, f"Store.{name} is not implemented by {', '.join(missing)}"


@pytest.mark.parametrize("name", sorted(HOSTING))
def test_hosting_members_are_the_sql_stores_own(name):
    assert hasattr(SqlStore, name), f"SqlStore.{name} is gone: take it out of HOSTING"
    assert name not in PROTOCOL and not hasattr(HttpStore, name), f"{name} is on the client contract now"


@pytest.mark.parametrize("name", sorted(PROTOCOL - ATTRIBUTES - {"__enter__", "__exit__"}))
def test_backends_take_the_protocols_parameters(name):
    expected = _parameters(getattr(Store, name))
    for backend, cls in BACKENDS.items():
        found = _parameters(getattr(cls, name))
        assert found == expected, f"{backend}.{name} and Store.{name} take different arguments"


def _parameters(member: object) -> list[tuple[str, object]] | None:
    """Names and kinds of a method's parameters (None for a property)."""
    if isinstance(member, property):
        return None
    return [(p.name, p.kind) for p in inspect.signature(member).parameters.values()]  # type: ignore[arg-type]


def test_live_stores_satisfy_the_protocol(tmp_path, live_server):
    with SqlStore(f"sqlite:///{tmp_path}/t.db") as sql, HttpStore(live_server) as http:
        for store in (sql, http):
            missing = {name for name in PROTOCOL if not hasattr(store, name)}
            assert not missing, f"{type(store).__name__} lacks {sorted(missing)}"
