"""System metrics over time: system/... series sampled while a run is open, the off switches, no GPU."""

from __future__ import annotations

import logging
import threading
import time

import pytest

import trailmark as tm
from trailmark.errors import ValidationError
from trailmark.tracking import _system

psutil = pytest.importorskip("psutil")


def _system_series(store, run) -> dict[str, list[float]]:
    series: dict[str, list[float]] = {}
    for point in store.metrics(run.execution):
        if point.key.startswith("system/"):
            series.setdefault(point.key, []).append(point.value)
    return series


def test_a_run_with_a_short_interval_records_system_series(store):
    with store.run("train", system_metrics=0.05) as run:
        run.log_metric("loss", 1.0)
        time.sleep(0.3)
    series = _system_series(store, run)
    assert {"system/cpu_percent", "system/memory_mb", "system/memory_percent", "system/process_memory_mb",
            "system/network_sent_mb", "system/network_received_mb"} <= set(series)
    assert len(series["system/cpu_percent"]) >= 2, "sampled more than once"
    steps = [p.step for p in store.metrics(run.execution) if p.key == "system/memory_mb"]
    assert steps == list(range(len(steps))), "one step per sample"
    assert all(0 <= v <= 100 * psutil.cpu_count() for v in series["system/cpu_percent"])
    assert all(v > 0 for v in series["system/process_memory_mb"])
    assert [p.key for p in store.metrics(run.execution) if not p.key.startswith("system/")] == ["loss"]
    assert not any(t.name == "trailmark-system-metrics" for t in threading.enumerate()), "the sampler stopped"


def test_system_metrics_false_records_none(store):
    with store.run("train", system_metrics=False) as run:
        assert run._sampler is None
        time.sleep(0.05)
    assert _system_series(store, run) == {}


def test_environment_turns_it_off_and_sets_the_interval(monkeypatch):
    assert _system.sampling_interval(None, {}) == _system.DEFAULT_SECONDS
    assert _system.sampling_interval(None, {"TRAILMARK_SYSTEM_METRICS": "off"}) is None
    assert _system.sampling_interval(True, {"TRAILMARK_SYSTEM_METRICS": "off"}) == _system.DEFAULT_SECONDS
    assert _system.sampling_interval(None, {"TRAILMARK_SYSTEM_METRICS_INTERVAL": "2.5"}) == 2.5
    assert _system.sampling_interval(3, {}) == 3.0
    with pytest.raises(ValidationError, match="positive"):
        _system.sampling_interval(0, {})
    with pytest.raises(ValidationError, match="TRAILMARK_SYSTEM_METRICS_INTERVAL"):
        _system.sampling_interval(None, {"TRAILMARK_SYSTEM_METRICS_INTERVAL": "often"})
    monkeypatch.setenv("TRAILMARK_SYSTEM_METRICS", "off")
    assert tm.connect("sqlite://").run("x")._system_seconds is None


def test_no_gpu_means_no_error_and_no_warning(store, caplog):
    """This machine has no NVIDIA GPU (or no NVML library): no gpu series, nothing above debug."""
    caplog.set_level(logging.DEBUG, logger="trailmark")
    gpus = _system._Gpus()
    assert gpus.sample() == {}
    gpus.close()
    with store.run("train", system_metrics=0.05) as run:
        time.sleep(0.2)
    assert not [k for k in _system_series(store, run) if k.startswith("system/gpu_")]
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
