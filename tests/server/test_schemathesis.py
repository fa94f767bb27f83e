"""Property-based calls generated from /openapi.json: no 5xx, and every response fits the document."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from tests.server.live import serve_in_thread
from trailmark.server import create_app

EXAMPLES = 25


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory):
    """The schema of a server of its own, so that generated writes land in a database no other test reads."""
    app = create_app(f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'trailmark.db'}")
    with serve_in_thread(app) as url:
        loaded = schemathesis.openapi.from_url(url + "/openapi.json")
        loaded.config.generation.update(modes=list(schemathesis.GenerationMode))
        yield loaded


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_generated_requests(case):
    case.call_and_validate(checks=[
        not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
        negative_data_rejection,
    ])
