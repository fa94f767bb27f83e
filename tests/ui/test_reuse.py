"""Reuse in the web UI: a dataset's similar datasets, and a run served from the cache."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.ui.conftest import fresh_server, new_tab, open_page, screenshot

expect = pytest.importorskip("playwright.sync_api").expect
pd = pytest.importorskip("pandas")


def _houses(shift: float = 0.0, extra: bool = False) -> pd.DataFrame:
    data = {"size": [900.0 + 2 * i + shift for i in range(120)], "rooms": [1 + i % 4 for i in range(120)],
            "district": [["north", "south", "east"][i % 3] for i in range(120)]}
    if extra:
        data["age"] = [i % 30 for i in range(120)]
    return pd.DataFrame(data)


@pytest.fixture(scope="module")
def reuse_server(tmp_path_factory) -> Iterator[tuple[str, object]]:
    import trailmark as tm

    with fresh_server(tmp_path_factory.mktemp("ui-reuse")) as (url, store):
        with store.run("profile") as run:
            run.log_input(_houses(), name="houses")
            run.log_input(_houses(shift=40.0), name="houses-next")
            run.log_input(pd.DataFrame({"ticker": ["A", "B"] * 60, "price": [float(i) for i in range(120)]}),
                          name="trades")
        with store.run("fit", type="Train") as run:
            run.log_input(store.get("dataset:houses-next"))
            run.log_metric("rmse", 21.5)
            model = store.log_artifact("Model", "price-model", "s3://m/1", digest="sha256:" + "e" * 64)
            store.link(run.execution, outputs=[model])

        @tm.step(type="Preprocess", name="clean", store=store, cache=True)
        def clean(df):
            return df.dropna()

        readings = pd.DataFrame({"sensor": ["s1", "s2", None], "celsius": [20.5, None, 19.0]})
        clean(readings)
        clean(readings)
        yield url, store


def test_a_dataset_page_lists_similar_datasets_and_their_models(browser, reuse_server, console):
    url, _ = reuse_server
    with new_tab(browser, url, console) as tab:
        open_page(tab, "node/" + "dataset:houses@1")
        similar = tab.locator("section", has=tab.get_by_role("heading", name="Similar datasets", exact=True))
        rows = similar.locator("tbody tr")
        expect(rows.first).to_contain_text("dataset:houses-next@1")
        expect(rows.first).to_contain_text("3 of 3 columns shared")
        expect(rows.first).to_contain_text("model:price-model@1")
        expect(similar).to_contain_text("dataset:trades@1")
        screenshot(tab, "similar-datasets")
    assert console.unexpected() == []


def test_a_run_served_from_the_cache_says_so(browser, reuse_server, console):
    url, store = reuse_server
    original, cached = sorted(store.search("name = 'clean'", kind="executions"), key=lambda e: e.id)
    with new_tab(browser, url, console) as tab:
        open_page(tab, f"runs/{cached.ref}")
        note = tab.get_by_role("note")
        expect(note).to_contain_text(f"Served from the cache: this run reused the outputs of clean ({original.ref})")
        expect(note).to_contain_text("saving")
        open_page(tab, f"runs/{original.ref}")
        expect(tab.get_by_role("note")).to_have_count(0)
        open_page(tab, "runs")
        expect(tab.locator("tbody tr", has=tab.locator(".badge-cached"))).to_have_count(1)
    assert console.unexpected() == []
