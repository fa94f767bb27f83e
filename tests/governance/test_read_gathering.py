"""A read through several store calls is one ``read`` audit entry (store/_reads.py); the server's routes
are covered in test_restricted_routes.py."""

from __future__ import annotations

import pytest

import trailmark as tm
from trailmark.store import one_read_entry
from trailmark.store.sql import SqlStore


def _reads(store) -> list:
    return [e for e in store.audit.log(limit=10_000) if e.action == "read"]


@pytest.fixture
def board(store):
    """Three finished runs of experiment 'board', each labelled PII."""
    for i in range(3):
        with store.run(f"train-{i}", experiment="board") as run:
            run.log_metric("acc", 0.5 + i / 10)
        store.classify(run.execution, "PII")
    return store


def test_a_leaderboard_is_one_read_entry_naming_every_ranked_run(board):
    before = len(_reads(board))
    ranked = board.leaderboard("board", metric="acc", direction="max")
    assert [e.name for e, _ in ranked] == ["train-2", "train-1", "train-0"]
    if isinstance(board, SqlStore):  # over HTTP the server writes the entry: one per request, not checked here
        entries = _reads(board)[before:]
        assert len(entries) == 1
        for execution, _ in ranked:
            assert ("read", entries[0].actor) in {(u.action, u.actor) for u in board.audit.usage(execution)}


def test_reads_inside_one_gathering_are_one_entry_and_nested_gatherings_join_it(board):
    if not isinstance(board, SqlStore):
        pytest.skip("gathering holds the reads of an embedded store; a server gathers per request")
    runs = board.search("experiment = 'board'", kind="executions").items
    before = len(_reads(board))
    reads_of = {r.id: len(board.audit.usage(r)) for r in runs}
    with one_read_entry():
        board.get(runs[0])
        with one_read_entry():
            board.get(runs[1])
        assert len(_reads(board)) == before, "held until the outer gathering ends"
    assert len(_reads(board)) == before + 1
    assert [len(board.audit.usage(r)) - reads_of[r.id] for r in runs] == [1, 1, 0]


def test_reads_before_an_error_are_still_audited(board):
    if not isinstance(board, SqlStore):
        pytest.skip("gathering holds the reads of an embedded store")
    run = board.search("experiment = 'board'", kind="executions").items[0]
    before = len(_reads(board))
    with pytest.raises(tm.NotFoundError), one_read_entry():
        board.get(run)
        board.get("exec:999999")
    assert len(_reads(board)) == before + 1
