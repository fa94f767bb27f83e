"""Lifecycle on every backend: uid, nested runs, experiments, notes, tag removal, soft delete, heartbeats, reap."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

import trailmark as tm
from trailmark._clock import ManualClock
from trailmark.store.sql import SqlStore

START = datetime(2026, 5, 1, 12, 0, tzinfo=timezone.utc)


def _ids(store, flt: str, **kwargs) -> set[int]:
    return {e.id for e in store.search(flt, kind="executions", **kwargs)}


def test_uid_names_the_run_and_parent_is_recorded(store):
    outer = store.start_execution("Sweep", "sweep")
    inner = store.start_execution("Train", "trial", parent=outer)
    by_ref = store.start_execution("Train", "trial-2", parent=f"run:{outer.uid}")
    assert re.fullmatch(r"[0-9a-f]{32}", outer.uid) and outer.uid != inner.uid
    assert store.get(outer.uid).id == outer.id
    assert store.get(f"RUN:{outer.uid.upper()}").id == outer.id, "a uid is read in any case"
    assert inner.parent_id == outer.id and by_ref.parent_id == outer.id
    assert _ids(store, f"parent = 'exec:{outer.id}'") == {inner.id, by_ref.id}
    assert _ids(store, f"parent = {outer.id}") == {inner.id, by_ref.id}
    assert _ids(store, "parent IS NULL") == {outer.id}
    assert _ids(store, f"uid = '{inner.uid}'") == {inner.id}
    with pytest.raises(tm.NotFoundError, match="no run with uid"):
        store.get("run:" + "0" * 32)
    with pytest.raises(tm.FilterSyntaxError, match="exec:999999"):
        store.search("parent = 'exec:999999'", kind="executions")


def test_parent_must_be_an_execution(store):
    data = store.log_artifact("Dataset", "d", digest="sha256:" + "1" * 64)
    with pytest.raises(tm.ValidationError, match="not an execution"):
        store.start_execution("Train", "t", parent=data)
    assert _ids(store, "") == set(), "nothing is written by a refused start"


def test_nested_tm_runs_share_the_experiment_and_record_the_parent(store):
    with store.run("sweep", experiment="lc-sweep") as outer:
        with store.run("trial") as trial:
            pass
    assert trial.execution.parent_id == outer.execution.id
    assert _ids(store, "experiment = 'lc-sweep'") == {outer.execution.id, trial.execution.id}
    assert [c.name for c in store.experiments()] == ["lc-sweep"]


def test_experiment_context_and_description_filters(store):
    a = store.start_execution("Train", "a", context="exp-a")
    b = store.start_execution("Train", "b", context="pipe", context_type="Pipeline")
    assert _ids(store, "experiment = 'exp-a'") == {a.id}
    assert _ids(store, "experiment = 'pipe'") == set(), "a pipeline is not an experiment"
    assert _ids(store, "context = 'pipe'") == {b.id}
    assert _ids(store, "experiment IS NULL") == {b.id}
    assert _ids(store, "context LIKE 'exp-%'") == {a.id}
    store.set_description(a, "the baseline")
    assert store.get(a.ref).description == "the baseline"
    assert _ids(store, "description ILIKE '%BASELINE%'") == {a.id}
    assert _ids(store, "description IS NULL") == {b.id}
    store.set_description(a, "")
    assert store.get(a.ref).description is None


def test_resources_and_heartbeat_are_searchable(store):
    done = store.start_execution("Train", "done")
    store.end_execution(done, resources={"wall_seconds": 12.5})
    running = store.start_execution("Train", "running")
    assert _ids(store, "resources.wall_seconds > 10") == {done.id}
    assert _ids(store, "heartbeat > now() - 1h") == {done.id, running.id}
    assert _ids(store, "heartbeat < now() - 1h") == set()


def test_bad_lifecycle_values_are_refused(store):
    with pytest.raises(tm.FilterSyntaxError, match="unknown lifecycle 'gone'"):
        store.search("lifecycle = 'gone'", kind="executions")
    with pytest.raises(tm.FilterSyntaxError, match="applies to executions"):
        store.search("parent = 'exec:1'", kind="artifacts")
    with pytest.raises(tm.ValidationError, match="description"):
        store.set_description("exec:1", "x" * 100_001)
    with pytest.raises(tm.ValidationError, match="older_than|duration"):
        store.reap(older_than="soon")


def test_delete_tag(store):
    e = store.start_execution("Train", "t")
    store.set_tag(e, "owner", "ana")
    store.set_tag(e, "team", "pricing")
    store.delete_tag(e, "owner")
    assert store.tags(e) == {"team": "pricing"}
    with pytest.raises(tm.NotFoundError, match="no tag 'owner'"):
        store.delete_tag(e, "owner")


def test_soft_delete_hides_and_restore_brings_back(store):
    model = store.log_artifact("Model", "lc-model", digest="sha256:" + "2" * 64)
    run = store.start_execution("Train", "t")
    store.link(run, outputs=[model])
    store.end_execution(run)
    assert store.delete(model.ref).lifecycle == "deleted"
    assert store.delete(model.ref).lifecycle == "deleted", "deleting twice is harmless"
    assert [m.id for m in store.search("", kind="models")] == []
    assert [m.id for m in store.search("", kind="models", include_deleted=True)] == [model.id]
    assert [m.id for m in store.search("lifecycle = 'deleted'", kind="artifacts")] == [model.id]
    graph = store.lineage(run.ref, direction="downstream")
    assert model.id in {n.id for n in graph.nodes}, "lineage keeps the graph's shape"
    assert graph.node(model.id).lifecycle == "deleted"
    assert graph.artifacts() == [] and [a.id for a in graph.artifacts(include_deleted=True)] == [model.id]
    assert "(deleted)" in graph.to_mermaid()
    assert store.restore(model.ref).lifecycle == "active"
    assert [m.id for m in store.search("", kind="models")] == [model.id]
    actions = [entry.action for entry in store.audit.log(target=model.ref)]
    assert actions.count("node.delete") == 1 and actions.count("node.restore") == 1


def test_heartbeat_of_an_ended_run_is_a_conflict(store):
    e = store.start_execution("Train", "t")
    store.heartbeat(e)
    store.end_execution(e)
    with pytest.raises(tm.ConflictError, match="already ended"):
        store.heartbeat(e)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def clocked(request, tmp_path):
    """(store, clock): a SQL store whose time moves only when told to."""
    from tests.conftest import PG_URL, _sql_uri

    if request.param == "postgresql" and not PG_URL:
        pytest.skip("PostgreSQL not configured: set TRAILMARK_TEST_POSTGRES_URL")
    clock = ManualClock(START)
    with SqlStore(_sql_uri(request, request.param, tmp_path), clock=clock) as store:
        yield store, clock


def test_reap_ends_stale_runs_and_says_when_they_were_last_seen(clocked):
    store, clock = clocked
    stale = store.start_execution("Train", "crashed")
    alive = store.start_execution("Train", "alive")
    clock.advance("11m")
    store.heartbeat(alive)
    done = store.reap(older_than="10m")
    assert [e.id for e in done] == [stale.id]
    got = store.get(stale.ref)
    assert got.status == "FAILED" and got.ended_at == START + timedelta(minutes=11)
    assert "no heartbeat since 2026-05-01T12:00:00+00:00" in got.error and "11m 0s" in got.error
    assert store.get(alive.ref).status == "RUNNING"
    assert store.reap(older_than=timedelta(minutes=10)) == [], "a reaped run is not reaped again"
    assert [e.action for e in store.audit.log(target=stale.ref)][-1] == "execution.reap"


def test_reap_over_http_uses_the_servers_clock(tmp_path):
    from tests.server.live import serve_in_thread
    from trailmark.server import create_app

    clock = ManualClock(START)
    with serve_in_thread(create_app(f"sqlite:///{tmp_path / 's.db'}", clock=clock)) as url, tm.connect(url) as store:
        stale = store.start_execution("Train", "crashed")
        clock.advance("3h")
        done = store.reap(older_than="2h")
        assert [e.id for e in done] == [stale.id] and "3h 0m" in done[0].error
        assert store.get(stale.ref).status == "FAILED"


def test_the_server_reaper_reaps_every_project(tmp_path):
    from trailmark.server._reaper import Reaper

    clock = ManualClock(START)
    with SqlStore(f"sqlite:///{tmp_path / 'r.db'}", clock=clock) as store, \
            SqlStore(f"sqlite:///{tmp_path / 'r.db'}", project="other", clock=clock) as other:
        runs = [store.start_execution("Train", "a"), other.start_execution("Train", "b")]
        clock.advance("8d")
        assert Reaper(store, older_than=timedelta(days=7)).reap_once() == 2
        assert store.get(runs[0].ref).status == "FAILED" and other.get(runs[1].ref).status == "FAILED"
        assert store.audit.log(target=runs[0].ref)[-1].actor == "trailmark-reaper"
