"""The audit page on a store whose log was edited behind Trailmark's back."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.ui.conftest import fresh_server, new_tab

expect = pytest.importorskip("playwright.sync_api").expect


@pytest.fixture(scope="module")
def tampered(tmp_path_factory) -> Iterator[str]:
    with fresh_server(tmp_path_factory.mktemp("tampered")) as (url, store):
        with store.run("train", type="Train", params={"alpha": 1}):
            pass
        with store.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2")
        yield url


def test_a_broken_chain_is_shown_with_the_first_bad_entry(browser, tampered, console):
    with new_tab(browser, tampered, console) as tab:
        tab.goto("./#/audit")
        alert = tab.get_by_role("alert")
        expect(alert).to_contain_text("broken")
        expect(alert).to_contain_text("breaks at entry 2")
        expect(tab.locator("main tbody tr", has_text="mallory")).to_have_count(1)
    assert console.unexpected() == []
