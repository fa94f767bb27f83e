"""Column lineage in the web UI: a dataset's columns, and for one, where it came from."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.ui.conftest import fresh_server, new_tab, open_page, screenshot

expect = pytest.importorskip("playwright.sync_api").expect

FIELDS = {"_producer": "p", "_schemaURL": "https://example.invalid/s.json"}


def _event(run_id: str, job: str, inputs: list, outputs: list) -> dict:
    return {"eventType": "COMPLETE", "eventTime": "2026-05-01T10:00:00Z", "producer": "p",
            "run": {"runId": run_id}, "job": {"namespace": "spark", "name": job}, "inputs": inputs, "outputs": outputs}


@pytest.fixture(scope="module")
def columns_server(tmp_path_factory) -> Iterator[str]:
    with fresh_server(tmp_path_factory.mktemp("ui-columns")) as (url, store):
        schema = {**FIELDS, "fields": [{"name": "price"}, {"name": "size"}]}
        store.ingest_openlineage(_event("r1", "load", [], [{"namespace": "s3://lake", "name": "raw",
                                                            "facets": {"schema": schema}}]))
        lineage = {**FIELDS, "fields": {"ppsf": {"inputFields": [
            {"namespace": "s3://lake", "name": "raw", "field": "price"},
            {"namespace": "s3://lake", "name": "raw", "field": "size"}],
            "transformationDescription": "price / size", "transformationType": "TRANSFORMATION"}}}
        features = {"schema": {**FIELDS, "fields": [{"name": "ppsf"}, {"name": "city"}]}, "columnLineage": lineage}
        store.ingest_openlineage(_event("r2", "featurize", [{"namespace": "s3://lake", "name": "raw"}],
                                        [{"namespace": "s3://lake", "name": "features", "facets": features}]))
        yield url


def test_a_dataset_page_shows_its_columns_and_where_one_came_from(browser, columns_server, console):
    with new_tab(browser, columns_server, console) as tab:
        open_page(tab, "node/dataset:features@1")
        columns = tab.locator("section", has=tab.get_by_role("heading", name="Columns", exact=True))
        expect(columns.get_by_role("button")).to_have_text(["ppsf", "city"])
        columns.get_by_role("button", name="ppsf").click()
        rows = columns.locator("tbody tr")
        expect(rows).to_have_count(2)
        expect(columns).to_contain_text("Where ppsf came from")
        expect(rows.first).to_contain_text("dataset:raw@1")
        expect(columns).to_contain_text("TRANSFORMATION: price / size")
        screenshot(tab, "column-lineage")
        columns.get_by_role("button", name="city").click()
        expect(columns).to_contain_text("No column lineage recorded for city.")
    assert console.unexpected() == []
