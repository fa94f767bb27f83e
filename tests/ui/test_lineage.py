"""The lineage page: the deployed model's graph, node details, keyboard, widening the walk."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from tests.ui.conftest import open_page, screenshot

expect = pytest.importorskip("playwright.sync_api").expect

MODEL = "model:house-price-rf@production"


def graph_counts(page) -> tuple[int, int]:
    graph = page.locator("#graph")
    expect(graph).to_have_attribute("data-nodes", re.compile(r"^\d+$"))
    return int(graph.get_attribute("data-nodes")), int(graph.get_attribute("data-edges"))


def click_node(page, node_id: int) -> None:
    """A real mouse click on the node where Cytoscape drew it."""
    box = page.locator("#graph").bounding_box()
    at = page.evaluate(f"window.trailmark.graph.getElementById('{node_id}').renderedPosition()")
    page.mouse.click(box["x"] + at["x"], box["y"] + at["y"])


def wait_until_still(page, timeout_s: float = 10.0) -> None:
    """Poll from here until the graph stops animating (wait_for_function would eval in the page, which CSP forbids)."""
    for _ in range(int(timeout_s / 0.05)):
        if not page.evaluate("window.trailmark.graph.animated()"):
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"the graph was still animating after {timeout_s:.0f} s")


def expected_ids(store, ref: str, up: int | None, down: int | None) -> set[int]:
    ids = {store.get(ref).id}
    for direction, depth in (("upstream", up), ("downstream", down)):
        if depth != 0:
            ids |= {n.id for n in store.lineage(ref, direction=direction, depth=depth).nodes}
    return ids


def test_the_deployed_models_whole_graph_has_every_node_and_edge(page, served):
    lineage = served.store.lineage(MODEL, direction="both")
    open_page(page, f"lineage/{quote(MODEL)}?up=all&down=all")

    assert graph_counts(page) == (len(lineage.nodes), len(lineage.edges))
    shown = page.evaluate("window.trailmark.graph.nodes().map((n) => Number(n.id()))")
    assert sorted(shown) == sorted(n.id for n in lineage.nodes)
    deployment = served.store.search("type = 'Deployment'").items[0]
    assert deployment.id in shown


def test_the_default_walk_is_three_steps_each_way(page, served):
    open_page(page, f"lineage/{quote(MODEL)}")

    nodes, _ = graph_counts(page)
    assert nodes == len(expected_ids(served.store, MODEL, 3, 3))
    expect(page.locator(".lineage + .node-list summary")).to_contain_text(f"({nodes})")


def test_plus_one_widens_the_walk_upstream(page, served):
    open_page(page, f"lineage/{quote(MODEL)}?up=1&down=1")
    assert graph_counts(page)[0] == len(expected_ids(served.store, MODEL, 1, 1))

    page.get_by_role("button", name="Upstream one step further").click()
    page.wait_for_url("**up=2**")
    page.wait_for_selector("main > .page:not([aria-busy])")
    assert graph_counts(page)[0] == len(expected_ids(served.store, MODEL, 2, 1))


def test_clicking_a_node_shows_its_details(page, served):
    model = served.store.get(MODEL)
    train = served.store.lineage(MODEL, direction="upstream", depth=1).executions()[0]
    open_page(page, f"lineage/{quote(MODEL)}")
    graph_counts(page)

    click_node(page, train.id)

    details = page.locator("aside.details")
    expect(details.locator("h2")).to_have_text(train.name)
    expect(details).to_contain_text(train.ref)
    expect(details).to_contain_text("COMPLETE")
    run_link = details.get_by_role("link", name="Open run")
    expect(run_link).to_have_attribute("href", f"#/runs/{quote(train.ref, safe='')}")
    assert model.id != train.id


def test_arrow_keys_walk_the_graph_from_the_start_node(page, served):
    train = served.store.lineage(MODEL, direction="upstream", depth=1).executions()[0]
    open_page(page, f"lineage/{quote(MODEL)}")
    graph_counts(page)

    page.locator("#graph").focus()
    page.keyboard.press("ArrowRight")  # nothing selected yet: the start node
    details = page.locator("aside.details")
    expect(details.locator("h2")).to_have_text("house-price-rf @2")
    page.keyboard.press("ArrowLeft")  # upstream: the run that trained it
    expect(details.locator("h2")).to_have_text(train.name)


def test_failed_runs_and_classified_nodes_are_marked(page, served):
    open_page(page, f"lineage/{quote('dataset:housing-raw@1')}?up=0&down=3")
    graph_counts(page)

    classes = page.evaluate(
        "Object.fromEntries(window.trailmark.graph.nodes().map((n) => [n.data('node').ref, n.classes().join(' ')]))"
    )
    assert "failed" in classes[served.failed_run]
    assert "classified" in classes["dataset:housing-raw@1"]
    assert "classified" in classes["dataset:housing-train@1"]  # propagated downstream
    expect(page.locator("main .hint").first).to_contain_text("1 failed run")

    click_node(page, served.store.get(served.failed_run).id)
    details = page.locator("aside.details")
    expect(details).to_contain_text("FAILED")
    expect(details.locator(".error")).to_contain_text("max_depth must be positive")
    expect(details).to_contain_text("PII from dataset:housing-raw@1")
    wait_until_still(page)  # the node moved clear of the panel
    box = page.evaluate(f"window.trailmark.graph.getElementById('{served.store.get(served.failed_run).id}')"
                        ".renderedBoundingBox()")
    assert box["x2"] <= page.locator("#graph").bounding_box()["width"] - details.bounding_box()["width"]
    screenshot(page, "lineage")


def test_an_unknown_reference_says_what_was_not_found(page, console):
    console.allow(404)
    open_page(page, "lineage/dataset%3Ano-such-thing")
    expect(page.locator("main .error")).to_contain_text("no-such-thing")


def test_without_a_reference_the_page_offers_models_and_deployments(page, served):
    deployment = served.store.search("type = 'Deployment'").items[0]
    open_page(page, "lineage")

    page.get_by_role("button", name="Upstream one step further").click()  # no node yet: asks for one
    expect(page.get_by_label("Node reference")).to_be_focused()
    page.get_by_role("link", name=deployment.ref).click()
    expected = expected_ids(served.store, deployment.ref, 3, 3)
    expect(page.locator("#graph")).to_have_attribute("data-nodes", str(len(expected)))
