"""The filter language in the header's search box, on the search page and on the runs page."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.ui.conftest import open_page, screenshot
from trailmark.errors import FilterSyntaxError

expect = pytest.importorskip("playwright.sync_api").expect


def test_the_header_search_box_filters(page, served):
    models = served.store.search("type = 'Model'").items
    open_page(page, "runs")

    page.get_by_role("searchbox", name="Search artifacts with a filter").fill("type = 'Model'")
    page.get_by_role("searchbox", name="Search artifacts with a filter").press("Enter")
    page.wait_for_url("**/#/search?**")

    rows = page.locator("#search-results tbody tr")
    expect(rows).to_have_count(len(models))
    assert sorted(rows.locator("td:first-child").all_inner_texts()) == sorted(m.ref for m in models)


def test_executions_filter_with_params_and_lineage(page, served):
    expected = served.store.search("params.max_depth > 5", kind="executions").items
    open_page(page, "search?kind=executions&filter=" + quote("params.max_depth > 5"))

    rows = page.locator("#search-results tbody tr")
    expect(rows).to_have_count(len(expected))
    expect(rows.first).to_contain_text("max_depth")


def test_an_invalid_filter_shows_the_parsers_message_inline(page, served, console):
    console.allow(400)  # the browser logs the API's 400 answer as a failed resource
    bad = "type = 'Model' and"
    with pytest.raises(FilterSyntaxError) as raised:
        served.store.search(bad)
    open_page(page, "search")

    page.get_by_label("Filter", exact=True).fill(bad)
    page.get_by_role("button", name="Apply").click()

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text(raised.value.message)
    expect(page.get_by_label("Filter", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#search-results tbody tr")).to_have_count(0)
    screenshot(page, "search-error")


def test_the_runs_page_takes_a_filter_and_shows_errors_inline(page, served, console):
    console.allow(400)
    failed = served.store.search("status = 'FAILED'", kind="executions").items
    open_page(page, "runs")
    box = page.get_by_label("Filter runs")

    box.fill("status = 'FAILED'")
    box.press("Enter")
    expect(page.locator("main table tbody tr")).to_have_count(len(failed))

    box.fill("metric.rmse < 3")
    box.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("metrics.rmse")  # "did you mean 'metrics.rmse'?"
