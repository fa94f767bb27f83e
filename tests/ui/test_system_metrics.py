"""The run page charts the system/... series in a System section of their own."""

from __future__ import annotations

import time
from urllib.parse import quote

import pytest

from tests.ui.conftest import fresh_server, new_tab, open_page

expect = pytest.importorskip("playwright.sync_api").expect
pytest.importorskip("psutil")


def test_the_run_page_charts_system_metrics_apart(browser, tmp_path_factory, console):
    with fresh_server(tmp_path_factory.mktemp("system")) as (url, store):
        with store.run("train", system_metrics=0.05) as run:
            for epoch in range(3):
                run.log_metric("loss", 1.0 / (epoch + 1))
            time.sleep(0.3)
        system = {m.key for m in store.metrics(run.execution) if m.key.startswith("system/")}
        assert "system/cpu_percent" in system
        with new_tab(browser, url, console) as tab:
            open_page(tab, f"runs/{quote(run.execution.ref)}")
            own = tab.locator("section", has=tab.get_by_role("heading", name="Metrics over steps", exact=True))
            expect(own.locator("figure.chart")).to_have_count(1)
            expect(own).to_contain_text("loss")
            section = tab.locator("section", has=tab.get_by_role("heading", name="System", exact=True))
            expect(section.locator("figure.chart")).to_have_count(len(system))
            expect(section.locator("figcaption", has_text="system/cpu_percent")).to_have_count(1)
            latest = tab.locator("section", has=tab.get_by_role("heading", name="Latest metrics", exact=True))
            expect(latest).not_to_contain_text("system/")
    assert console.unexpected() == []
