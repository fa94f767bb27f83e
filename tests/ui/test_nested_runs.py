"""An Airflow DAG run and its task runs in the UI: the run pages link parent and children, the lineage
graph draws the nesting as dashed PARENT edges."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.ui.conftest import fresh_server, new_tab, open_page

expect = pytest.importorskip("playwright.sync_api").expect
pytest.importorskip("openlineage.client")


def test_a_dag_run_and_its_task_runs_link_each_other_and_draw_as_one_graph(browser, tmp_path_factory, console):
    from tests.server.test_openlineage_client import DAG_RUN, LOAD_2, airflow_stream

    with fresh_server(tmp_path_factory.mktemp("nested")) as (url, store):
        for event in airflow_stream():
            store.ingest_openlineage(event)
        runs = {e.params["openlineage.runId"]: e for e in store.search("", kind="executions")}
        dag, retry = runs[DAG_RUN], runs[LOAD_2]
        with new_tab(browser, url, console) as tab:
            open_page(tab, f"runs/{quote(retry.ref)}")
            parent = tab.locator("#run-parent a")
            expect(parent).to_have_text(f"airflow/daily_sales ({dag.ref})")
            parent.click()
            tab.wait_for_selector("main > .page:not([aria-busy])")
            expect(tab.locator("h1")).to_contain_text("airflow/daily_sales")
            section = tab.locator("section", has=tab.get_by_role("heading", name="Parent and child runs"))
            rows = section.locator("tbody tr")
            expect(rows).to_have_count(3)
            expect(section).to_contain_text("FAILED")
            open_page(tab, f"lineage/{quote(dag.ref)}?up=all&down=all")
            graph = tab.locator("#graph")
            expect(graph).to_have_attribute("data-nodes", "6")
            expect(graph).to_have_attribute("data-edges", "7")
            dashed = tab.evaluate("window.trailmark.graph.edges('.parent').map((e) => e.style('line-style'))")
            assert dashed == ["dashed"] * 3
    assert console.unexpected() == []
