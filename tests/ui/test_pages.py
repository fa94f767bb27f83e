"""Runs, a run's detail, datasets with drift, the registry and the audit log."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from tests.ui.conftest import open_page, screenshot

expect = pytest.importorskip("playwright.sync_api").expect


def card(page, title: str):
    """The section headed ``title``."""
    return page.locator("section", has=page.get_by_role("heading", name=title, exact=True))


def column(page, label: str) -> list[str]:
    """The texts of one column of the first table on the page."""
    headers = page.locator("main table").first.locator("thead th").all_inner_texts()
    index = [h.strip(" ▲▼") for h in headers].index(label)
    return page.locator(f"main table >> nth=0 >> tbody tr td:nth-child({index + 1})").all_inner_texts()


def test_runs_lists_every_execution_with_status_params_and_metrics(page, served):
    every = served.store.search("", kind="executions", limit=1000).items
    open_page(page, "runs")

    expect(page.locator("main table").first.locator("tbody tr")).to_have_count(len(every))
    headers = page.locator("main table").first.locator("thead th").all_inner_texts()
    assert {"Status", "Run", "Duration", "max_depth", "rmse"} <= set(headers)
    failed = page.locator("tr.row-failed")
    expect(failed).to_have_count(1)
    expect(failed).to_contain_text("FAILED")
    expect(page.locator("figure.chart canvas")).to_have_count(1)  # rmse over steps, for the runs that logged it
    screenshot(page, "runs")


def test_runs_sort_by_a_metric_column(page, served):
    open_page(page, "runs?filter=" + quote("name LIKE 'train-rf-depth%'"))
    expect(page.locator("main table").first.locator("tbody tr")).to_have_count(len(served.train_runs))

    page.get_by_role("button", name="rmse", exact=True).click()
    ascending = [float(v.replace(",", "")) for v in column(page, "rmse")]
    assert ascending == sorted(ascending)
    expect(page.locator("th[aria-sort=ascending]")).to_have_text("rmse ▲")
    page.get_by_role("button", name="rmse", exact=True).press("Enter")
    descending = [float(v.replace(",", "")) for v in column(page, "rmse")]
    assert descending == sorted(ascending, reverse=True)


def test_run_detail_shows_params_metrics_environment_inputs_and_outputs(page, served):
    run = served.store.get(served.train_runs[-1])
    open_page(page, f"runs/{quote(run.ref)}")

    expect(page.locator("h1")).to_contain_text(run.name)
    params = card(page, "Parameters")
    expect(params).to_contain_text(f"max_depth{run.params['max_depth']}")
    expect(page.locator("figure.chart")).to_have_count(len({m.key for m in served.store.metrics(run)}))
    expect(card(page, "Inputs")).to_contain_text(
        "dataset:housing-train@1")
    expect(card(page, "Outputs")).to_contain_text("model:house-price-rf@")
    expect(card(page, "Environment")).to_contain_text(
        run.environment["python"])
    expect(card(page, "Resources")).to_contain_text("peak_memory")
    expect(card(page, "Resources")).to_contain_text(re.compile(r"\d (KiB|MiB|GiB)"))  # peak memory in binary units


def test_metrics_logged_over_steps_are_drawn_as_lines(page, served):
    from tests.ui.conftest import EPOCHS

    open_page(page, f"runs/{quote(served.sgd_run)}")

    charts = page.locator("figure.chart")
    expect(charts).to_have_count(2)
    expect(charts.first).to_have_attribute("aria-label", re.compile(f"loss: .* at step {EPOCHS - 1}"))
    expect(charts.first.locator("canvas")).to_have_count(1)
    screenshot(page, "run")


def test_a_failed_run_shows_its_error(page, served):
    open_page(page, f"runs/{quote(served.failed_run)}")
    expect(page.locator("main .error")).to_contain_text("max_depth must be positive")


def test_dataset_versions_show_schema_statistics_and_drift(page, served):
    versions = served.store.versions("Dataset", "housing-raw")
    open_page(page, "datasets")
    page.get_by_role("link", name="housing-raw", exact=True).click()
    page.wait_for_url("**/#/datasets/housing-raw")

    versions_table = card(page, "Versions").locator("tbody tr")
    expect(versions_table).to_have_count(len(versions))
    schema = card(page, "Schema and statistics of @2")
    expect(schema).to_contain_text("garage")
    drift = card(page, "Drift between versions")
    schema_drift = drift.locator(".nested", has=page.get_by_role("heading", name="Schema", exact=True))
    expect(schema_drift.locator("tr.diff", has_text="garage")).to_contain_text("added")
    expect(schema_drift.locator("tr.diff").filter(has=page.get_by_text("age", exact=True))).to_contain_text("removed")
    expect(schema_drift.locator("tbody tr", has_text="district")).not_to_have_class("diff")
    means = drift.locator(".nested", has=page.get_by_role("heading", name="Column means", exact=True))
    expect(means.locator("tr.diff", has_text="price")).to_contain_text("%")
    screenshot(page, "dataset")
    drift.scroll_into_view_if_needed()
    screenshot(page, "drift")


def test_models_show_versions_aliases_and_deployments(page, served):
    production = served.store.get("model:house-price-rf@production")
    open_page(page, "models")

    section = card(page, "house-price-rf")
    expect(section).to_contain_text(f"production → v{production.version}")
    expect(section.locator("tbody tr", has_text=f"v{production.version}").first).to_contain_text("production")
    expect(section).to_contain_text("http://127.0.0.1:8080/predict")
    expect(section).to_contain_text("healthy")
    screenshot(page, "models")


def test_audit_log_verifies(page, served):
    report = served.store.audit.verify()
    open_page(page, "audit")

    expect(page.get_by_role("status")).to_contain_text(f"all {report.checked} entries is intact")
    # reads of classified nodes are audited too, so the newest rows may be this page's own reads
    expect(page.locator("main tbody tr", has_text="classify").first).to_be_visible()
    screenshot(page, "audit")


def test_more_runs_load_a_page_at_a_time(browser, tmp_path_factory, console):
    from tests.ui.conftest import fresh_server, new_tab

    with fresh_server(tmp_path_factory.mktemp("many")) as (url, store):
        for index in range(130):
            sweep = store.start_execution("Train", f"sweep-{index:03d}", params={"seed": index})
            store.log_metrics(sweep, {"loss": 1.0 / (index + 1)})
            store.end_execution(sweep)
        newest = sweep.ref
        with new_tab(browser, url, console) as tab:
            open_page(tab, "runs")
            rows = tab.locator("main table").first.locator("tbody tr")
            expect(rows).to_have_count(100)
            tab.get_by_role("checkbox", name=f"({newest})").check()
            tab.get_by_role("button", name="Load more runs").click()
            expect(rows).to_have_count(130)
            expect(tab.get_by_role("button", name="Load more runs")).to_have_count(0)
            expect(tab.get_by_role("checkbox", name=f"({newest})")).to_be_checked()  # choices survive
    assert console.unexpected() == []
