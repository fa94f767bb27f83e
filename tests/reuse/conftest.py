"""Results kept without an artifact root go to a folder of the test's own."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("TRAILMARK_CACHE_DIR", str(tmp_path / "step-cache"))
