"""A server with users asks for a token: the page asks for it, shows no data without it, sends it after."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.ui.conftest import fresh_server, new_tab, screenshot

expect = pytest.importorskip("playwright.sync_api").expect


@pytest.fixture(scope="module")
def protected(tmp_path_factory) -> Iterator[dict[str, str]]:
    """A server with two users: ada, a viewer of the default project, and bob, a member of nothing."""
    with fresh_server(tmp_path_factory.mktemp("protected")) as (url, store):
        with store.run("secret-run", type="Train", params={"alpha": 1}):
            pass
        store.add_user("ada")
        store.add_member("default", "ada", "viewer")
        store.add_user("bob")
        yield {"url": url, "ada": store.create_token("ada").token, "bob": store.create_token("bob").token}


@pytest.fixture
def visitor(browser, protected, console) -> Iterator[object]:
    console.allow(401)  # the browser logs the API's 401 answer as a failed resource
    with new_tab(browser, protected["url"], console) as tab:
        yield tab
    assert console.unexpected() == [], "the page logged errors"


def sign_in(tab, token: str) -> None:
    dialog = tab.get_by_role("dialog", name="Sign in to Trailmark")
    dialog.get_by_label("API token").fill(token)
    dialog.get_by_role("button", name="Sign in").click()


def test_an_unauthenticated_visitor_sees_a_login_prompt_not_data(visitor):
    visitor.goto("./#/runs")

    dialog = visitor.get_by_role("dialog", name="Sign in to Trailmark")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("asks for a token")
    expect(dialog.get_by_label("API token")).to_be_focused()
    expect(visitor.locator("main h1")).to_have_text("Sign in required")
    expect(visitor.locator("main")).not_to_contain_text("secret-run")
    expect(visitor.locator("main table")).to_have_count(0)
    screenshot(visitor, "login")


def test_signing_in_sends_the_token_and_shows_the_data(visitor, protected):
    visitor.goto("./#/runs")
    sign_in(visitor, protected["ada"])

    expect(visitor.get_by_role("dialog", name="Sign in to Trailmark")).to_be_hidden()
    expect(visitor.locator("main table tbody tr")).to_have_count(1)
    expect(visitor.locator("main table")).to_contain_text("secret-run")
    assert visitor.evaluate("sessionStorage.getItem('trailmark.token')") == protected["ada"]

    visitor.get_by_role("button", name="Sign out").click()
    expect(visitor.get_by_role("dialog", name="Sign in to Trailmark")).to_be_visible()
    assert visitor.evaluate("sessionStorage.getItem('trailmark.token')") is None


def test_a_wrong_token_is_refused_and_asked_again(visitor):
    visitor.goto("./#/models")
    sign_in(visitor, "tm_not-a-real-token")

    dialog = visitor.get_by_role("dialog", name="Sign in to Trailmark")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("not accepted")


def test_a_user_without_a_role_in_the_project_is_told_so(visitor, protected, console):
    console.allow(403)
    visitor.goto("./#/runs")
    sign_in(visitor, protected["bob"])

    expect(visitor.get_by_role("dialog", name="Sign in to Trailmark")).to_be_hidden()
    expect(visitor.locator("main .error")).to_contain_text("bob")
    expect(visitor.locator("main table")).to_have_count(0)
