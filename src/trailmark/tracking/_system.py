"""System metrics over time: CPU, memory, disk and network I/O (psutil) and NVIDIA GPUs (nvidia-ml-py),
sampled every few seconds while a run is open and logged as ``system/...`` series through its metric buffer."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Mapping
from typing import Any

from trailmark.entities import Metric
from trailmark.errors import ValidationError

_logger = logging.getLogger(__name__)

DEFAULT_SECONDS = 10.0
_ENV = "TRAILMARK_SYSTEM_METRICS"
_ENV_INTERVAL = "TRAILMARK_SYSTEM_METRICS_INTERVAL"
_OFF = {"0", "off", "false", "no"}
_MB = 1024 * 1024


def sampling_interval(setting: bool | float | None, environ: Mapping[str, str] = os.environ) -> float | None:
    """Seconds between samples, or None when off.

    ``setting``: False turns sampling off, a number sets the interval, True or None use
    ``$TRAILMARK_SYSTEM_METRICS_INTERVAL`` (default 10 s); None also honours
    ``$TRAILMARK_SYSTEM_METRICS=off``.
    """
    if setting is False or (setting is None and environ.get(_ENV, "").strip().lower() in _OFF):
        return None
    if setting is not None and setting is not True:
        seconds = float(setting)
    else:
        raw = environ.get(_ENV_INTERVAL, "")
        try:
            seconds = float(raw) if raw.strip() else DEFAULT_SECONDS
        except ValueError as exc:
            raise ValidationError(f"${_ENV_INTERVAL} must be a number of seconds, got {raw!r}") from exc
    if not seconds > 0:
        raise ValidationError(f"system_metrics interval must be a positive number of seconds, got {seconds!r}")
    return seconds


class _Gpus:
    """NVIDIA GPUs through NVML; empty (and silent) when the library, the driver or a GPU is missing."""

    def __init__(self) -> None:
        self._nvml: Any = None
        self._handles: list[Any] = []
        try:
            import pynvml  # nvidia-ml-py
        except ImportError:
            return
        try:
            pynvml.nvmlInit()
            self._handles = [pynvml.nvmlDeviceGetHandleByIndex(i) for i in range(pynvml.nvmlDeviceGetCount())]
        except pynvml.NVMLError as exc:  # no driver or no GPU: nothing to sample, nothing to say
            _logger.debug("no NVIDIA GPU to sample: %s", exc)
            return
        self._nvml = pynvml

    def sample(self) -> dict[str, float]:
        values: dict[str, float] = {}
        if self._nvml is None:
            return values
        for index, handle in enumerate(self._handles):
            try:
                usage = self._nvml.nvmlDeviceGetUtilizationRates(handle)
                memory = self._nvml.nvmlDeviceGetMemoryInfo(handle)
            except self._nvml.NVMLError as exc:
                _logger.debug("GPU %d could not be read: %s", index, exc)
                continue
            values[f"system/gpu_{index}_utilization_percent"] = float(usage.gpu)
            values[f"system/gpu_{index}_memory_mb"] = memory.used / _MB
            values[f"system/gpu_{index}_memory_percent"] = 100.0 * memory.used / memory.total if memory.total else 0.0
        return values

    def close(self) -> None:
        if self._nvml is not None:
            try:
                self._nvml.nvmlShutdown()
            except self._nvml.NVMLError as exc:
                _logger.debug("NVML shutdown failed: %s", exc)


class SystemSampler:
    """One background thread sampling every ``seconds`` and handing the points to ``offer``.

    Disk and network figures are megabytes since the run started; CPU is the machine's use
    since the previous sample; memory is the machine's (``memory_mb``, ``memory_percent``)
    and this process's resident set (``process_memory_mb``). A run shorter than one interval
    has no sample.
    """

    def __init__(
        self,
        offer: Callable[[list[Metric]], None],
        now: Callable[[], Any],
        *,
        seconds: float = DEFAULT_SECONDS,
    ) -> None:
        import psutil

        self._offer = offer
        self._now = now
        self._seconds = seconds
        self._psutil = psutil
        self._process = psutil.Process()
        self._step = 0
        self._stop = threading.Event()
        psutil.cpu_percent(interval=None)  # primes the counter: the first sample covers the first interval
        self._disk0 = _disk(psutil)
        self._net0 = _net(psutil)
        self._gpus = _Gpus()
        self._thread = threading.Thread(target=self._loop, name="trailmark-system-metrics", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread (it wakes at once)."""
        self._stop.set()
        self._thread.join()
        self._gpus.close()

    def _loop(self) -> None:
        while not self._stop.wait(self._seconds):
            self._emit()

    def _emit(self) -> None:
        try:
            values = self.sample()
        except (OSError, self._psutil.Error) as exc:  # a counter that cannot be read must not end the run
            _logger.debug("system metrics could not be sampled: %s", exc)
            return
        when = self._now()
        self._offer([Metric(key, value, self._step, when) for key, value in values.items()])
        self._step += 1

    def sample(self) -> dict[str, float]:
        """One sample of every series."""
        ps = self._psutil
        memory = ps.virtual_memory()
        values = {
            "system/cpu_percent": float(ps.cpu_percent(interval=None)),
            "system/memory_mb": (memory.total - memory.available) / _MB,
            "system/memory_percent": float(memory.percent),
            "system/process_memory_mb": self._process.memory_info().rss / _MB,
        }
        disk, net = _disk(ps), _net(ps)
        if disk is not None and self._disk0 is not None:
            values["system/disk_read_mb"] = (disk[0] - self._disk0[0]) / _MB
            values["system/disk_write_mb"] = (disk[1] - self._disk0[1]) / _MB
        if net is not None and self._net0 is not None:
            values["system/network_sent_mb"] = (net[0] - self._net0[0]) / _MB
            values["system/network_received_mb"] = (net[1] - self._net0[1]) / _MB
        values.update(self._gpus.sample())
        return values


def start_sampler(
    offer: Callable[[list[Metric]], None], now: Callable[[], Any], seconds: float
) -> SystemSampler | None:
    """A running sampler, or None (logged once at debug level) when psutil is not installed."""
    try:
        return SystemSampler(offer, now, seconds=seconds)
    except ImportError:
        _logger.debug("psutil is not installed: no system metrics (pip install psutil)")
        return None


def _disk(ps: Any) -> tuple[int, int] | None:
    counters = ps.disk_io_counters()  # None in containers without disks
    return None if counters is None else (counters.read_bytes, counters.write_bytes)


def _net(ps: Any) -> tuple[int, int] | None:
    counters = ps.net_io_counters()
    return None if counters is None else (counters.bytes_sent, counters.bytes_recv)
