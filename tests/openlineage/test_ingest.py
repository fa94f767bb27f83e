"""Ingest straight into a SqlStore, on each SQL backend (the server tests cover the HTTP side)."""

from __future__ import annotations

import secrets

from trailmark.store.sql import SqlStore


def _event(event_type: str, **run_facets):
    return {
        "eventType": event_type, "eventTime": "2026-05-01T10:00:00Z",
        "run": {"runId": "run-1", "facets": run_facets}, "job": {"namespace": "spark", "name": "job"},
        "inputs": [{"namespace": "file", "name": "/in.csv"}],
    }


def test_big_facets_are_kept(store_uri):
    plan = {"_producer": "p", "plan": secrets.token_hex(4000)}
    with SqlStore(store_uri) as store:
        done = store.ingest_openlineage(_event("COMPLETE", spark_logicalPlan=plan))
        assert done.execution.params["openlineage.runFacets"]["spark_logicalPlan"] == plan


def test_a_run_is_found_again_by_its_tag(store_uri):
    with SqlStore(store_uri) as store:
        first = store.ingest_openlineage(_event("START"))
        last = store.ingest_openlineage(_event("COMPLETE"))
        assert first.execution.id == last.execution.id and last.execution.status == "COMPLETE"
        assert last.inputs == first.inputs
