"""The web UI in real headless Chromium (Debian's, at /usr/bin/chromium), driven by Playwright.

One server per test session, in a thread on a loopback port, serving a SQLite store that
holds the demo's pipeline plus what the pages need to show: a second version of the raw
dataset (for drift), a failed run and a PII classification. Each test gets a fresh
browser context (so an empty sessionStorage) and fails if the page logged an error.

Set TRAILMARK_UI_SCREENSHOTS=DIR to save screenshots of the main pages there
(``docs/img`` for the docs).
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--headless", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
NEEDS = ("fastapi", "uvicorn", "pandas", "sklearn", "playwright")


def _require() -> None:
    missing = [name for name in NEEDS if importlib.util.find_spec(name) is None]
    if missing:
        pytest.skip(f"needs {', '.join(missing)}: pip install -e '.[all,test]'")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install chromium (.ci/run does)")


@dataclass
class Served:
    """The running server, the store it serves and the refs the tests look at."""

    url: str
    store: object
    failed_run: str = ""
    sgd_run: str = ""
    train_runs: list[str] = field(default_factory=list)


EPOCHS = 20


def load_data(store, data_dir: Path) -> dict[str, str]:
    """The demo's pipeline, then a drifted second version of housing-raw, a failed run, a run with
    metrics over 20 steps, and a PII label."""
    from trailmark.demo import generate_housing, run_demo

    run_demo(store, data_dir)
    drifted = generate_housing(seed=11).assign(price=lambda f: f["price"] * 1.3, garage=1).drop(columns="age")
    drifted_path = data_dir / "housing-raw-v2.csv"
    drifted.to_csv(drifted_path, index=False)
    with store.run("ingest-housing", type="Ingest", experiment="house-prices") as run:
        run.log_output(drifted_path, name="housing-raw")
    with pytest.raises(RuntimeError), store.run("train-rf-broken", type="Train", experiment="house-prices",
                                                  params={"max_depth": -1}) as failed:
        failed.log_input(store.get("dataset:housing-train"), role="train")
        raise RuntimeError("max_depth must be positive")
    with store.run("train-sgd", type="Train", experiment="house-prices",
                   params={"learning_rate": 0.01, "epochs": EPOCHS}) as run:
        run.log_input(store.get("dataset:housing-train"), role="train")
        for epoch in range(EPOCHS):
            run.log_metrics({"loss": 1.0 / (epoch + 1), "val_loss": 1.2 / (epoch + 1) + 0.02 * epoch}, step=epoch)
    store.classify("dataset:housing-raw@1", "PII")
    return {"failed_run": failed.execution.ref, "sgd_run": run.execution.ref}


@contextmanager
def fresh_server(directory: Path) -> Iterator[tuple[str, object]]:
    """The real app over a new SQLite store in ``directory``, served on a loopback port: (base URL, store)."""
    _require()
    from tests.server.live import serve_in_thread
    from trailmark.server import create_app

    app = create_app(f"sqlite:///{directory / 'trailmark.db'}")
    with serve_in_thread(app) as url:
        yield url + "/", app.state.store


@pytest.fixture(scope="session")
def served(tmp_path_factory) -> Iterator[Served]:
    root = tmp_path_factory.mktemp("ui")
    with fresh_server(root) as (url, store):
        loaded = load_data(store, root / "data")
        trains = [e.ref for e in store.search("name LIKE 'train-rf-depth%'", kind="executions",
                                              order_by=["started asc"])]
        yield Served(url=url, store=store, failed_run=loaded["failed_run"], sgd_run=loaded["sgd_run"],
                     train_runs=trains)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    _require()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class Console:
    """Errors the page logged; ``allow`` names statuses a test expects the API to answer."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.allowed: set[int] = set()

    def allow(self, status: int) -> None:
        self.allowed.add(status)

    def unexpected(self) -> list[str]:
        expected = {f"the server responded with a status of {status} " for status in self.allowed}
        return [e for e in self.errors if not any(text in e for text in expected)]


@pytest.fixture
def console() -> Console:
    return Console()


@contextmanager
def new_tab(browser, base_url: str, console: Console, *, width: int = 1280, height: int = 800) -> Iterator[object]:
    """A tab in a fresh context (empty sessionStorage) that records console errors into ``console``."""
    context = browser.new_context(viewport={"width": width, "height": height}, base_url=base_url)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    tab.on("console", lambda message: console.errors.append(message.text) if message.type == "error" else None)
    tab.on("pageerror", lambda error: console.errors.append(f"uncaught: {error}"))
    try:
        yield tab
    finally:
        context.close()


@pytest.fixture
def page(browser, served: Served, console: Console) -> Iterator[object]:
    """A fresh tab at 1280x800 on the served UI; the test fails on any console error."""
    with new_tab(browser, served.url, console) as tab:
        yield tab
    assert console.unexpected() == [], "the page logged errors"


def open_page(tab, route: str) -> None:
    """Go to ``#/route`` and wait until the page has rendered."""
    tab.goto(f"./#/{route}")
    tab.wait_for_selector("main > .page:not([aria-busy])")


def screenshot(tab, name: str) -> None:
    """Save a screenshot into $TRAILMARK_UI_SCREENSHOTS (if set) as NAME.png.

    With Pillow installed it is cut to a 256-colour palette, which keeps a page of flat
    colours and text sharp at a third of the size.
    """
    target = os.environ.get("TRAILMARK_UI_SCREENSHOTS")
    if not target:
        return
    path = Path(target) / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(path))
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(path) as image:
        image.convert("RGB").quantize(colors=256).save(path, optimize=True)
