"""The cycle collector paused while a large result is built, and running again after it (unless it was off)."""

from __future__ import annotations

import gc

import pytest

from trailmark.store._collector import paused


def test_the_collector_runs_again_after_the_block_even_when_it_raises():
    assert gc.isenabled()
    with pytest.raises(RuntimeError), paused():
        assert not gc.isenabled()
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_a_collector_turned_off_by_the_caller_stays_off():
    gc.disable()
    try:
        with paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
