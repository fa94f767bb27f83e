"""The protocol's governance and helper methods, on every backend of the `store` fixture (SQLite, PostgreSQL, HTTP).

Users and tokens are left to tests/server/test_access.py and tests/governance: adding a
user closes a server, and the HTTP case here shares one server with the whole session.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta

import pytest

import trailmark as tm


def _sha(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def test_classify_declassify_and_the_labels_a_node_carries(store):
    raw = store.log_artifact("Dataset", "raw", digest=_sha("raw"))
    run = store.start_execution("Train", "t")
    store.link(run, inputs=[raw])
    labels = store.classify(raw, "PII")
    assert [(c.label, c.origin) for c in labels] == [("PII", raw.ref)]
    assert [(c.label, c.origin) for c in store.classifications(run)] == [("PII", raw.ref)]
    store.declassify(raw, "PII")
    assert store.classifications(run) == []
    with pytest.raises(tm.NotFoundError, match="not classified"):
        store.declassify(raw, "PII")


def test_purge_leaves_a_tombstone_and_retention_lists_what_is_old(store):
    data = store.log_artifact("Dataset", "patients", uri="s3://b/p", properties={"rows": 3}, digest=_sha("p"))
    assert store.tombstone(data) is None
    assert store.retention_candidates(older_than=timedelta(days=1)) == []
    stone = store.purge(data, reason="GDPR 7")
    assert (stone.ref, stone.reason) == (data.ref, "GDPR 7")
    assert store.tombstone(data.ref).reason == "GDPR 7"
    assert store.get(data.ref).properties == {}
    with pytest.raises(tm.ValidationError, match="invalid duration"):
        store.retention_candidates(older_than="ages")


def test_the_audit_log_of_the_project_verifies(store):
    made = store.log_artifact("Dataset", "audited", digest=_sha("a"))
    entries = store.audit_entries(target=made, limit=10)
    assert [e.action for e in entries] == ["artifact.create"] and entries[0].target == made.ref
    assert [e.action for e in store.audit.log(target=made.ref)] == ["artifact.create"]
    report = store.verify_audit()
    assert report.ok and report.first_bad is None and report.checked >= 1
    assert store.audit.verify().ok


def test_projects_members_views_and_authorisation(store):
    other = "p-" + uuid.uuid4().hex[:10]
    assert store.add_project(other) == other
    assert other in store.projects() and store.project in store.projects()
    view = store.for_project(other, create=False)
    try:
        made = view.log_artifact("Dataset", "in-other", digest=_sha("o"))
        assert made.project == other and view.project == other
        with pytest.raises(tm.NotFoundError):
            store.get(made.ref)  # a project is the unit of access control
    finally:
        if view is not store:
            view.close()
    with pytest.raises(tm.NotFoundError, match="no project"):
        store.for_project("never-" + uuid.uuid4().hex[:10])
    assert store.members(store.project) == []
    assert store.auth_required() is False
    principal = tm.governance.Principal("ana", {other: tm.governance.Role.VIEWER})
    store.authorize(principal, other, "viewer")
    with pytest.raises(tm.PermissionDeniedError, match="this needs editor"):
        store.authorize(principal, other, "editor")


def test_helpers_built_on_the_core(store):
    a = store.start_execution("Train", "a", params={"lr": 0.1}, context="exp")
    b = store.start_execution("Train", "b", params={"lr": 0.2}, context="exp")
    store.log_param(a, "depth", 3)
    store.log_metric(a, "rmse", 2.0, step=0)
    store.log_metrics(a, {"rmse": 1.5}, step=1)
    store.log_metrics(b, {"rmse": 1.0})
    assert store.latest_metrics(a) == {"rmse": 1.5}
    comparison = store.compare(a, b)
    assert ("params", "lr") in {(row.section, row.key) for row in comparison.differences}
    assert comparison.section("params")["lr"] == (0.1, 0.2)
    assert [c.name for c in store.contexts(type="Experiment")] == ["exp"]
    with store.run("r", experiment="exp") as run:
        run.log_metric("loss", 0.5)
    assert store.get(run.execution).status == "COMPLETE"
    assert store.models.versions("nothing-yet") == []
    with pytest.raises(tm.NotFoundError, match="no environment"):
        store.packages("sha256:" + "0" * 64)
