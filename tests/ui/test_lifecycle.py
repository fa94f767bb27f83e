"""The runs page by experiment, as a tree of nested runs, deleted runs behind a toggle; a run's notes edited."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.ui.conftest import fresh_server, new_tab, open_page

expect = pytest.importorskip("playwright.sync_api").expect


@pytest.fixture(scope="module")
def sweep_server(tmp_path_factory) -> Iterator[tuple[str, object, dict]]:
    with fresh_server(tmp_path_factory.mktemp("ui-lifecycle")) as (url, store):
        with store.run("sweep", experiment="hp") as outer:
            with store.run("trial-a"):
                pass
            with store.run("trial-b"):
                pass
        with store.run("churn-run", experiment="churn"):
            pass
        with store.run("dropped-run", experiment="hp") as dropped:
            pass
        store.delete(dropped.execution)
        yield url, store, {"sweep": outer.execution.ref, "dropped": dropped.execution.ref}


def _names(tab) -> list[str]:
    return [t.strip() for t in tab.locator("main table").first.locator("tbody tr td:nth-child(3)").all_inner_texts()]


def test_runs_by_experiment_as_a_tree_with_deleted_behind_a_toggle(browser, sweep_server, console):
    url, _, _ = sweep_server
    with new_tab(browser, url, console) as tab:
        open_page(tab, "runs")
        tab.select_option("#runs-experiment", "hp")
        tab.wait_for_selector("main > .page:not([aria-busy])")
        expect(tab.locator("main table tbody tr")).to_have_count(3)
        names = _names(tab)
        assert names[0] == "sweep" and {n.lstrip("└ ") for n in names[1:]} == {"trial-a", "trial-b"}
        assert all(n.startswith("└") for n in names[1:]), names
        tab.check("#runs-deleted")
        tab.wait_for_selector("main > .page:not([aria-busy])")
        expect(tab.locator("main table tbody tr")).to_have_count(4)
        expect(tab.locator("tr.row-deleted")).to_contain_text("dropped-run")
        assert "churn-run" not in " ".join(_names(tab))
    assert console.unexpected() == []


def test_a_runs_notes_are_edited_and_saved(browser, sweep_server, console):
    url, store, refs = sweep_server
    with new_tab(browser, url, console) as tab:
        open_page(tab, "runs/" + refs["sweep"])
        tab.fill("#run-notes", "depths 4 to 8, the May snapshot")
        tab.get_by_role("button", name="Save notes").click()
        expect(tab.get_by_role("status")).to_have_text("Saved.")
    assert store.get(refs["sweep"]).description == "depths 4 to 8, the May snapshot"
    assert console.unexpected() == []
