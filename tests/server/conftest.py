"""Raw REST clients of the session's test server (see ``live_server`` in tests/conftest.py)."""

from __future__ import annotations

import importlib.util
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    import httpx

def _missing(*names: str) -> bool:
    return not all(importlib.util.find_spec(name) for name in names)


# Without the server extra there is nothing here to test; the rest needs the test extra.
collect_ignore_glob = ["test_*.py"] if _missing("fastapi", "uvicorn", "httpx") else []
if _missing("openlineage"):
    collect_ignore_glob.append("test_openlineage.py")
if _missing("schemathesis"):
    collect_ignore_glob.append("test_schemathesis.py")


@pytest.fixture
def project() -> str:
    """A fresh project name."""
    return "rest-" + uuid.uuid4().hex[:12]


@pytest.fixture
def api(live_server: str, project: str) -> Iterator[httpx.Client]:
    """An httpx client on /api/v1 of the test server, in a fresh project."""
    import httpx

    with httpx.Client(base_url=live_server + "/api/v1", headers={"X-Trailmark-Project": project}) as client:
        assert client.put(f"/projects/{project}").status_code == 200
        yield client


def error_of(response: httpx.Response, status: int, code: str) -> str:
    """The error message of a JSON error response, after checking its status, code and shape."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == code, body
    assert "Traceback" not in response.text
    return body["error"]["message"]
