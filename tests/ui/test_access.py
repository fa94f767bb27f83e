"""Keyboard use, visible focus and narrow windows."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.ui.conftest import new_tab, open_page

expect = pytest.importorskip("playwright.sync_api").expect

PAGES = ["runs", "lineage/" + quote("model:house-price-rf@production"), "datasets", "datasets/housing-raw", "models",
         "search", "audit", "node/" + quote("dataset:housing-raw@2")]


def focused(page) -> dict[str, str]:
    return page.evaluate(
        """() => { const e = document.activeElement, s = getComputedStyle(e);
        return {tag: e.tagName, text: (e.textContent || '').trim(),
                outline: s.outlineStyle, width: s.outlineWidth}; }"""
    )


def test_the_first_tab_reaches_the_skip_link_then_the_navigation_with_a_visible_outline(page):
    open_page(page, "runs")

    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Skip to content"
    expect(page.locator("#skip")).to_be_in_viewport()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    now = focused(page)
    assert now["text"] == "Runs"
    assert now["outline"] != "none" and now["width"] != "0px"


def test_a_run_opens_from_the_keyboard(page, served):
    open_page(page, "runs")
    link = page.locator("main tbody tr a").first
    name = link.inner_text()

    link.focus()
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text(name)


def test_sortable_headers_are_buttons_with_aria_sort(page):
    open_page(page, "runs")
    header = page.locator("th", has=page.get_by_role("button", name="Duration", exact=True))

    expect(header).to_have_attribute("aria-sort", "none")
    header.get_by_role("button").focus()
    page.keyboard.press("Enter")
    expect(header).to_have_attribute("aria-sort", "ascending")


@pytest.mark.parametrize("width, height", [(1280, 800), (390, 844)])
def test_pages_fit_the_window_without_sideways_scrolling(browser, served, console, width, height):
    with new_tab(browser, served.url, console, width=width, height=height) as tab:
        for route in [*PAGES, "runs/" + quote(served.train_runs[-1])]:
            open_page(tab, route)
            overflow = tab.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"#/{route} is {overflow}px wider than a {width}px window"
    assert console.unexpected() == []


def test_the_lineage_graph_is_readable_in_a_narrow_window(browser, served, console):
    with new_tab(browser, served.url, console, width=390, height=844) as tab:
        open_page(tab, f"lineage/{quote('model:house-price-rf@production')}?up=all&down=all")
        expect(tab.locator("#graph")).to_have_attribute("data-nodes", str(len(
            served.store.lineage("model:house-price-rf@production", direction="both").nodes)))
        zoom = tab.evaluate("window.trailmark.graph.zoom()")
        assert zoom >= 0.6  # labels stay legible; the rest is a pan away
    assert console.unexpected() == []
