"""A deployment's drift timeline and health history, and an experiment's leaderboard, in headless Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import pytest

from tests.ui.conftest import new_tab, open_page, screenshot

expect = pytest.importorskip("playwright.sync_api").expect


@pytest.fixture(scope="module")
def monitored(tmp_path_factory) -> Iterator[tuple[str, object]]:
    """A server of its own: a deployed model, three drift reports (the last drifted), health checks, runs ranked."""
    from tests.ui.conftest import fresh_server

    pd = pytest.importorskip("pandas")
    from trailmark.capture import describe_dataset

    with fresh_server(tmp_path_factory.mktemp("ui-automation")) as (url, store):
        frame = pd.DataFrame({"size": [float(i % 60) for i in range(600)], "city": ["a", "b", "c"] * 200})
        described = describe_dataset(frame)
        for name, rmse in (("rf-a", 30.0), ("rf-b", 22.0), ("rf-c", 26.0)):
            run = store.start_execution("Train", name, context="house-prices")
            data = store.log_artifact("Dataset", "housing-train", digest=described.digest,
                                      properties=described.properties)
            model = store.log_artifact("Model", "house-price-rf", uri=f"s3://m/{name}",
                                       digest="sha256:" + format(int(rmse), "064x"))
            store.link(run, inputs=[data], outputs=[model], roles={data.id: "train"})
            store.log_metrics(run, {"rmse": rmse})
            store.end_execution(run)
        store.models.deploy("model:house-price-rf@2", endpoint="https://models.example.invalid/hp")
        for shift in (0.0, 1.0, 200.0):
            store.monitor("deployment:house-price-rf", frame.assign(size=frame["size"] + shift))
        for status, latency in (("healthy", 12.0), ("healthy", 15.0), ("unhealthy", 950.0)):
            store.models.record_health("deployment:house-price-rf", status, latency_ms=latency)
        yield url, store


@pytest.fixture
def tab(browser, monitored, console):
    with new_tab(browser, monitored[0], console) as opened:
        yield opened
    assert console.unexpected() == [], "the page logged errors"


def test_a_deployment_shows_drift_per_column_with_its_threshold_and_health(tab):
    open_page(tab, "deployments/" + quote("deployment:house-price-rf", safe=""))
    expect(tab.get_by_role("heading", name="Drift over time")).to_be_visible()
    size = tab.locator("figure.chart[data-column='size']")
    expect(size).to_have_count(1)
    expect(size.locator("figcaption")).to_have_text("size (psi) · drifted")
    expect(tab.locator("figure.chart[data-column='city'] figcaption")).to_have_text("city (js)")
    expect(size.locator("canvas")).to_have_count(1)
    legend = size.locator(".u-legend").inner_text()
    assert "psi" in legend and "threshold" in legend
    expect(tab.get_by_text("drift detected")).to_be_visible()
    health = tab.locator("section", has=tab.get_by_role("heading", name="Health", exact=True))
    expect(health.locator("tbody tr")).to_have_count(3)
    expect(health.locator("tbody tr").first).to_contain_text("unhealthy")
    expect(health.locator("tr.row-failed")).to_have_count(1)
    expect(tab.get_by_text("unhealthy (")).to_be_visible()  # the latest health in the summary
    screenshot(tab, "deployment")


def test_the_deployment_page_is_reached_from_the_node_page(tab):
    open_page(tab, "node/" + quote("deployment:house-price-rf", safe=""))
    tab.get_by_role("link", name="drift and health").click()
    tab.wait_for_selector("main > .page:not([aria-busy]) figure.chart")
    assert "#/deployments/" in tab.url


def test_the_leaderboard_ranks_runs_and_links_to_run_and_model(tab):
    open_page(tab, "leaderboard/house-prices?metric=rmse")
    board = tab.locator("section", has=tab.get_by_role("heading", name="Leaderboard", exact=True))
    expect(board.locator("tbody tr")).to_have_count(3)
    names = board.locator("tbody tr td:nth-child(2)").all_inner_texts()
    assert names == ["rf-b", "rf-c", "rf-a"]
    expect(board.locator("tbody tr").first.get_by_role("link", name="model:house-price-rf@2")).to_be_visible()
    expect(tab.locator("figure.chart figcaption")).to_have_text("best rmse by run, in start order")
    tab.get_by_role("link", name="rank by max").click()
    tab.wait_for_selector("main > .page:not([aria-busy]) table")
    expect(board.locator("tbody tr td:nth-child(2)").first).to_have_text("rf-a")
    board.locator("tbody tr").first.get_by_role("link", name="rf-a").click()
    tab.wait_for_selector("main > .page:not([aria-busy])")
    assert "#/runs/" in tab.url


def test_an_unknown_deployment_says_so(tab, console):
    console.allow(404)
    open_page(tab, "deployments/" + quote("deployment:nowhere", safe=""))
    expect(tab.locator("main")).to_contain_text("nowhere")
