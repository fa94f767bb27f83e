"""A server that asks for a token: the page asks for it, shows no data without it, sends it after."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.ui.conftest import new_tab, screenshot

expect = pytest.importorskip("playwright.sync_api").expect
fastapi = pytest.importorskip("fastapi")

TOKEN = "tm_ui-test-token"


def require_token(request: fastapi.Request) -> object:
    """Stands in for the server's caller check: 401 unless the request carries ``Bearer TOKEN``."""
    from trailmark.server import _deps

    if request.headers.get("authorization") != f"Bearer {TOKEN}":
        raise fastapi.HTTPException(401, "a valid bearer token is required", headers={"WWW-Authenticate": "Bearer"})
    return _deps.Actor("ada")


@pytest.fixture(scope="module")
def protected(tmp_path_factory) -> Iterator[str]:
    """A second server whose every API route answers 401 without ``Bearer TOKEN``."""
    from tests.server.live import serve_in_thread
    from trailmark.server import _deps, create_app

    app = create_app(f"sqlite:///{tmp_path_factory.mktemp('protected') / 'trailmark.db'}")

    app.dependency_overrides[_deps.current_actor] = require_token
    with serve_in_thread(app) as url:
        with app.state.store.run("secret-run", type="Train", params={"alpha": 1}):
            pass
        yield url + "/"


@pytest.fixture
def visitor(browser, protected, console) -> Iterator[object]:
    console.allow(401)  # the browser logs the API's 401 answer as a failed resource
    with new_tab(browser, protected, console) as tab:
        yield tab
    assert console.unexpected() == [], "the page logged errors"


def test_an_unauthenticated_visitor_sees_a_login_prompt_not_data(visitor):
    visitor.goto("./#/runs")

    dialog = visitor.get_by_role("dialog", name="Sign in to Trailmark")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("asks for a token")
    expect(dialog.get_by_label("API token")).to_be_focused()
    expect(visitor.locator("main")).not_to_contain_text("secret-run")
    expect(visitor.locator("main table")).to_have_count(0)
    screenshot(visitor, "login")


def test_signing_in_sends_the_token_and_shows_the_data(visitor):
    visitor.goto("./#/runs")
    dialog = visitor.get_by_role("dialog", name="Sign in to Trailmark")
    dialog.get_by_label("API token").fill(TOKEN)
    dialog.get_by_role("button", name="Sign in").click()

    expect(dialog).to_be_hidden()
    expect(visitor.locator("main table tbody tr")).to_have_count(1)
    expect(visitor.locator("main table")).to_contain_text("secret-run")
    assert visitor.evaluate("sessionStorage.getItem('trailmark.token')") == TOKEN

    visitor.get_by_role("button", name="Sign out").click()
    expect(dialog).to_be_visible()
    assert visitor.evaluate("sessionStorage.getItem('trailmark.token')") is None


def test_a_wrong_token_is_refused_and_asked_again(visitor):
    visitor.goto("./#/models")
    dialog = visitor.get_by_role("dialog", name="Sign in to Trailmark")
    dialog.get_by_label("API token").fill("tm_wrong")
    dialog.get_by_role("button", name="Sign in").click()

    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("not accepted")
