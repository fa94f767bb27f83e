"""The delivery worker: claims due deliveries from the outbox, sends them, records every attempt.

A server runs one per worker process, polling; an embedded store starts one in a
background thread when a write queues a delivery, and it lives while deliveries are
pending. Claims are leases in the database, so several workers never send one delivery
at once (a worker that dies mid-send leaves its lease to expire, and the delivery is
sent again: at least once).
"""

from __future__ import annotations

import dataclasses
import logging
import os
import random
import threading
import uuid
from datetime import datetime, timedelta
from typing import Protocol

from trailmark.automation._sending import Outcome, Outgoing, send
from trailmark.automation._urls import UrlPolicy

_logger = logging.getLogger(__name__)

TIMEOUT_ENV = "TRAILMARK_WEBHOOK_TIMEOUT"
BACKOFF_ENV = "TRAILMARK_WEBHOOK_BACKOFF"


@dataclasses.dataclass(frozen=True)
class DeliverySettings:
    """Timeouts and retries. ``backoff`` doubles per attempt up to ``cap``; after ``max_attempts`` it fails."""

    timeout: float = 10.0
    backoff: float = 2.0
    cap: float = 600.0
    max_attempts: int = 12
    batch: int = 20

    @classmethod
    def from_env(cls) -> DeliverySettings:
        return cls(timeout=_seconds(TIMEOUT_ENV, cls.timeout), backoff=_seconds(BACKOFF_ENV, cls.backoff))

    @property
    def lease(self) -> timedelta:
        """How long a claim holds: past it, the delivery is another worker's to send."""
        return timedelta(seconds=2 * self.timeout + 2)

    def retry_in(self, attempts: int) -> timedelta | None:
        """The wait before the next attempt after ``attempts`` failures; None once they are used up."""
        if attempts >= self.max_attempts:
            return None
        delay = min(self.cap, self.backoff * 2 ** (attempts - 1))
        return timedelta(seconds=delay * random.uniform(0.8, 1.0))  # jitter: retries of many hooks spread out


def _seconds(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, default))
    except ValueError:
        return default
    return value if value > 0 else default


class Outbox(Protocol):
    """The store side of delivery (see ``store/sql/_outbox.py``)."""

    def claim(self, *, owner: str, limit: int, lease: timedelta, due_only: bool) -> list[Outgoing]: ...

    def record(self, item: Outgoing, outcome: Outcome, *, owner: str, retry_in: timedelta | None) -> None: ...

    def next_due(self) -> datetime | None: ...

    def now(self) -> datetime: ...


class DeliveryWorker:
    """Sends what the outbox holds; ``kick()`` after a commit, ``start()`` to poll forever."""

    def __init__(self, outbox: Outbox, *, policy: UrlPolicy | None = None,
                 settings: DeliverySettings | None = None) -> None:
        self.outbox = outbox
        self.policy = policy or UrlPolicy()
        self.settings = settings or DeliverySettings.from_env()
        self.owner = uuid.uuid4().hex
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._poll: float | None = None

    def deliver(self, *, due_only: bool = True) -> int:
        """Send every claimable delivery now (all pending ones unless ``due_only``); the number attempted."""
        attempted = 0
        while True:
            batch = self.outbox.claim(owner=self.owner, limit=self.settings.batch, lease=self.settings.lease,
                                      due_only=due_only)
            for item in batch:
                outcome = send(item, policy=self.policy, timeout=self.settings.timeout)
                retry = None if outcome.ok else self.settings.retry_in(item.attempts + 1)
                self.outbox.record(item, outcome, owner=self.owner, retry_in=retry)
                if not outcome.ok:
                    _logger.info("webhook delivery %s to %s failed: %s", item.uid, item.url,
                                 outcome.error or outcome.status_code)
            attempted += len(batch)
            if len(batch) < self.settings.batch:
                return attempted

    def kick(self) -> None:
        """Wake the worker (starting its thread if none runs): a commit queued a delivery."""
        with self._lock:
            self._wake.set()
            if self._thread is None and not self._stopping.is_set():
                self._thread = threading.Thread(target=self._loop, name="trailmark-webhooks", daemon=True)
                self._thread.start()

    def start(self, *, poll: float = 1.0) -> None:
        """Run until :meth:`stop`, looking for due deliveries every ``poll`` seconds (a server's worker)."""
        self._poll = poll
        self.kick()

    def stop(self, *, timeout: float = 5.0) -> None:
        """Send what is due now, then stop; wait at most ``timeout`` seconds."""
        with self._lock:
            self._stopping.set()
            self._wake.set()
            thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _loop(self) -> None:
        while True:
            try:
                sent = self.deliver()
                wait = self._poll if self._poll is not None else self._until_next_due()
            except Exception:  # the thread must outlive a database hiccup; it says what happened
                _logger.exception("webhook delivery worker: retrying after an error")
                sent, wait = 0, self.settings.backoff
            if sent:
                continue
            with self._lock:
                if self._stopping.is_set() or (wait is None and not self._wake.is_set()):
                    self._thread = None
                    return
                self._wake.clear()
            self._wake.wait(wait if wait is not None else 0)

    def _until_next_due(self) -> float | None:
        due = self.outbox.next_due()
        if due is None:
            return None
        return min(max((due - self.outbox.now()).total_seconds(), 0.05), self.settings.cap)
