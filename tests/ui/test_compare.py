"""Comparing runs: pick them on the runs page, see the differences marked."""

from __future__ import annotations

import pytest

from tests.ui.conftest import open_page, screenshot

expect = pytest.importorskip("playwright.sync_api").expect


def test_two_runs_picked_on_the_runs_page_compare_with_differences_marked(page, served):
    first, second = served.train_runs
    open_page(page, "runs")

    for ref in (first, second):
        page.get_by_role("checkbox", name=f"({ref})").check()
    page.get_by_role("button", name="Compare selected (2)").click()
    page.wait_for_url("**/#/compare?refs=**")

    differing = page.locator("tr.diff")
    expect(differing.filter(has_text="max_depth")).to_have_count(1)
    expect(differing.filter(has_text="max_depth").locator(".diff-mark")).to_have_count(1)
    same = page.locator("tbody tr", has_text="n_estimators")
    expect(same.first).not_to_have_class("diff")
    screenshot(page, "compare")


def test_one_reference_is_not_enough(page):
    open_page(page, "compare?refs=exec:1")
    expect(page.locator("main .empty")).to_contain_text("two or more")
