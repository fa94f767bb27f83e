"""The Store protocol's suite: every test runs on each backend of the `store` fixture."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime, timedelta, timezone

import pytest

import trailmark as tm


def _sha(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


# -- artifacts and versioning ------------------------------------------------------------


def test_same_digest_same_version_new_digest_next_version(store, write_file):
    a = store.log_artifact("Dataset", "raw", write_file("a.csv", "x\n1\n").as_uri())
    again = store.log_artifact("Dataset", "raw", write_file("elsewhere.csv", "x\n1\n").as_uri())
    changed = store.log_artifact("Dataset", "raw", write_file("a.csv", "x\n2\n").as_uri())
    assert (a.version, again.version, changed.version) == (1, 1, 2)
    assert again.id == a.id
    assert a.digest == _sha(b"x\n1\n")


def test_series_are_separate_by_type_and_name(store):
    d = store.log_artifact("Dataset", "x", digest=_sha(b"1"))
    m = store.log_artifact("Model", "x", digest=_sha(b"1"))
    other = store.log_artifact("Dataset", "y", digest=_sha(b"1"))
    assert (d.version, m.version, other.version) == (1, 1, 1)
    assert len({d.id, m.id, other.id}) == 3


def test_unreadable_uri_is_versioned_by_uri_and_properties(store):
    a = store.log_artifact("Dataset", "remote", "s3://bucket/never/there.csv", properties={"rows": 1})
    same = store.log_artifact("Dataset", "remote", "s3://bucket/never/there.csv", properties={"rows": 1})
    other = store.log_artifact("Dataset", "remote", "s3://bucket/never/there.csv", properties={"rows": 2})
    assert a.id == same.id and other.version == 2


def test_plain_path_becomes_file_uri(store, write_file):
    path = write_file("p.txt", "hello")
    a = store.log_artifact("Dataset", "p", str(path))
    assert a.uri == path.resolve().as_uri()
    assert a.digest == _sha(b"hello")


def test_directory_digest_is_stable(store, tmp_path):
    for order in (["a", "b"], ["b", "a"]):
        root = tmp_path / "-".join(order)
        for name in order:
            (root / "sub").mkdir(parents=True, exist_ok=True)
            (root / "sub" / f"{name}.txt").write_text(name)
    first = store.log_artifact("Dataset", "dir", str(tmp_path / "a-b"))
    second = store.log_artifact("Dataset", "dir", str(tmp_path / "b-a"))
    assert first.id == second.id


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"type": "Data set", "name": "x"}, "invalid type"),
        ({"type": "Dataset", "name": "has space"}, "invalid name"),
        ({"type": "Dataset", "name": "x", "digest": "md5:abc"}, "invalid digest"),
        ({"type": "Dataset", "name": "x", "properties": {"f": object()}}, "JSON"),
    ],
)
def test_bad_artifact_input_is_refused_and_nothing_is_stored(store, kwargs, message):
    with pytest.raises(tm.ValidationError, match=message):
        store.log_artifact(**kwargs)
    assert list(store.search("", kind="artifacts")) == []


# -- references ----------------------------------------------------------------------------


def test_references_resolve(store):
    v1 = store.log_artifact("Dataset", "refs", digest=_sha(b"1"))
    v2 = store.log_artifact("Dataset", "refs", digest=_sha(b"2"))
    e = store.start_execution("Train", "t")
    assert store.get("dataset:refs").id == v2.id
    assert store.get("dataset:refs@1").id == v1.id
    assert store.get("DATASET:refs@2").id == v2.id
    assert store.get(v1.digest[:15]).id == v1.id
    assert store.get(str(v1.id)).id == v1.id
    assert store.get(v1.id).id == v1.id
    assert store.get(f"exec:{e.id}").id == e.id
    assert store.get(str(e.id)).id == e.id


@pytest.mark.parametrize(
    "reference, message",
    [
        ("dataset:missing", "no dataset named 'missing'"),
        ("dataset:refs@9", r"no dataset 'refs' version 9 \(latest is 1\)"),
        ("exec:999999", "no execution exec:999999"),
        ("999999", "no artifact or execution with id 999999"),
        ("sha256:00000000", "no artifact with digest sha256:00000000"),
        ("model:refs@production", "no alias 'production' on model 'refs'"),
    ],
)
def test_unknown_references_name_what_was_looked_for(store, reference, message):
    store.log_artifact("Dataset", "refs", digest=_sha(b"1"))
    with pytest.raises(tm.NotFoundError, match=message):
        store.get(reference)


def test_an_execution_of_another_project_is_not_found_by_its_exec_ref(store):
    name = "elsewhere-" + uuid.uuid4().hex[:8]
    store.add_project(name)
    elsewhere = store.for_project(name)
    run = elsewhere.start_execution("Train", "theirs")
    assert elsewhere.get(f"exec:{run.id}").name == "theirs"
    with pytest.raises(tm.NotFoundError, match=f"no execution exec:{run.id}"):
        store.get(f"exec:{run.id}")


def test_ambiguous_digest_prefix_lists_candidates(store):
    # Two digests sharing an 8-digit prefix.
    first = store.log_artifact("Dataset", "a", digest="sha256:" + "ab" * 4 + "0" * 56)
    second = store.log_artifact("Dataset", "b", digest="sha256:" + "ab" * 4 + "1" * 56)
    with pytest.raises(tm.AmbiguousReferenceError) as info:
        store.get("sha256:abababab")
    assert set(info.value.candidates) == {first.ref, second.ref}


@pytest.mark.parametrize("reference", ["nocolon", "exec:abc", "sha256:xyz", "sha256:abc", "dataset:", "data set:x"])
def test_malformed_reference_is_a_validation_error(store, reference):
    with pytest.raises(tm.ValidationError, match="cannot read reference"):
        store.get(reference)


# -- executions, params and metrics ------------------------------------------------------------


def test_execution_lifecycle(store):
    e = store.start_execution("Train", "t", params={"a": 1}, context="exp")
    assert e.status == "RUNNING" and e.ended_at is None
    store.log_params(e, {"b": "two"})
    done = store.end_execution(e, status="FAILED", error="ValueError: boom", resources={"cpu_seconds": 1.5})
    assert done.status == tm.Status.FAILED
    assert done.params == {"a": 1, "b": "two"}
    assert done.error == "ValueError: boom"
    assert done.resources == {"cpu_seconds": 1.5}
    assert done.duration is not None and done.duration >= 0
    assert [c.name for c in store.contexts(type="Experiment")] == ["exp"]


def test_ending_twice_is_a_conflict(store):
    e = store.start_execution("Train", "t")
    store.end_execution(e)
    with pytest.raises(tm.ConflictError, match="already ended"):
        store.end_execution(e)
    with pytest.raises(tm.ConflictError):
        store.log_params(e, {"late": 1})


def test_bad_status_is_refused(store):
    e = store.start_execution("Train", "t")
    with pytest.raises(tm.ValidationError, match="invalid status"):
        store.end_execution(e, status="DONE")
    assert store.get(e.ref).status == "RUNNING"


def test_metrics_series_and_latest(store):
    e = store.start_execution("Train", "t")
    t0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
    store.log_metrics(e, {"loss": 3.0}, step=0, timestamp=t0)
    store.log_metrics(e, {"loss": 1.0, "acc": 0.5}, step=2, timestamp=t0 + timedelta(seconds=2))
    store.log_metrics(e, {"loss": 2.0}, step=1, timestamp=t0 + timedelta(seconds=3))  # late, older step
    series = store.metrics(e, key="loss")
    assert [(m.step, m.value) for m in series] == [(0, 3.0), (1, 2.0), (2, 1.0)]
    assert series[0].timestamp == t0
    assert store.latest_metrics(e) == {"acc": 0.5, "loss": 1.0}


@pytest.mark.parametrize("value, message", [(float("nan"), "finite"), ("high", "must be a number")])
def test_bad_metric_values_are_refused(store, value, message):
    e = store.start_execution("Train", "t")
    with pytest.raises(tm.ValidationError, match=message):
        store.log_metrics(e, {"rmse": value})
    assert store.metrics(e) == []


def test_metrics_on_an_artifact_are_refused(store):
    a = store.log_artifact("Dataset", "d", digest=_sha(b"d"))
    with pytest.raises(tm.ValidationError, match="not an execution"):
        store.log_metrics(a, {"x": 1})


def test_environment_packages_are_stored_once_per_set(store):
    env = {"python": "3.11", "packages": {"numpy": "2.0"}, "packages_digest": _sha(b"numpy==2.0")}
    a = store.start_execution("Train", "a", environment=env)
    b = store.start_execution("Train", "b", environment=env)
    assert a.environment["packages_digest"] == b.environment["packages_digest"]
    assert "packages" not in a.environment
    assert store.packages(env["packages_digest"]) == {"numpy": "2.0"}


def test_tags(store):
    a = store.log_artifact("Dataset", "d", digest=_sha(b"d"))
    store.set_tag(a, "owner", "ana")
    store.set_tag(a.ref, "owner", "bo")
    assert store.tags(a) == {"owner": "bo"}


# -- lineage ---------------------------------------------------------------------------------


def _chain(store):
    raw = store.log_artifact("Dataset", "raw", digest=_sha(b"raw"))
    prep = store.start_execution("Preprocess", "prep")
    clean = store.log_artifact("Dataset", "clean", digest=_sha(b"clean"))
    store.link(prep, inputs=[raw], outputs=[clean])
    train = store.start_execution("Train", "train")
    model = store.log_artifact("Model", "m", digest=_sha(b"m"))
    store.link(train, inputs=[clean], outputs=[model], roles={clean.id: "train"})
    return raw, prep, clean, train, model


def test_lineage_both_ways_with_depth_and_types(store):
    raw, prep, clean, train, model = _chain(store)
    down = store.lineage(raw.ref)
    assert [n.id for n in down.nodes] == [raw.id, prep.id, clean.id, train.id, model.id]
    assert down.depths[model.id] == 4
    assert {(e.source, e.target, e.kind) for e in down.edges} == {
        (raw.id, prep.id, "INPUT"), (prep.id, clean.id, "OUTPUT"),
        (clean.id, train.id, "INPUT"), (train.id, model.id, "OUTPUT"),
    }
    assert [e.role for e in down.edges if e.source == clean.id] == ["train"]
    assert [n.id for n in store.lineage(raw.ref, depth=2).nodes] == [raw.id, prep.id, clean.id]
    assert [a.name for a in store.lineage(raw, types=["Model"]).artifacts()] == ["raw", "m"]
    up = store.lineage(model.ref, direction="upstream")
    assert {n.id for n in up.nodes} == {raw.id, prep.id, clean.id, train.id, model.id}
    both = store.lineage(clean.ref, direction="both", depth=1)
    assert {n.id for n in both.nodes} == {prep.id, clean.id, train.id}


def test_lineage_diamond_and_cycle_safe(store):
    raw = store.log_artifact("Dataset", "raw", digest=_sha(b"raw"))
    left, right = store.start_execution("Step", "left"), store.start_execution("Step", "right")
    joined = store.start_execution("Join", "join")
    l_out = store.log_artifact("Dataset", "l", digest=_sha(b"l"))
    r_out = store.log_artifact("Dataset", "r", digest=_sha(b"r"))
    store.link(left, inputs=[raw], outputs=[l_out])
    store.link(right, inputs=[raw], outputs=[r_out])
    store.link(joined, inputs=[l_out, r_out], outputs=[raw])  # a cycle back to raw
    down = store.lineage(raw)
    assert len(down.nodes) == 6 and len(down.edges) == 7


def test_link_refuses_executions_as_artifacts(store):
    e, other = store.start_execution("Step", "a"), store.start_execution("Step", "b")
    with pytest.raises(tm.ValidationError, match="only artifacts"):
        store.link(e, inputs=[other])


def test_lineage_renderings(store):
    raw, *_ = _chain(store)
    down = store.lineage(raw)
    assert down.to_dot().startswith("digraph") and f"n{raw.id} -> " in down.to_dot()
    assert down.to_mermaid().startswith("flowchart LR")
    assert tm.Lineage.from_dict(down.to_dict()) == down


# -- registry --------------------------------------------------------------------------------


def test_alias_history_and_point_in_time(store):
    v1 = store.log_artifact("Model", "m", digest=_sha(b"1"))
    v2 = store.log_artifact("Model", "m", digest=_sha(b"2"))
    store.models.set_alias("m", "production", version=1)
    between = datetime.now(timezone.utc)
    store.models.set_alias("m", "production", version=2)
    assert store.get("model:m@production").id == v2.id
    assert store.get("model:m@production", at=between).id == v1.id
    history = store.models.alias_history("m", "production")
    assert [h.version for h in history] == [1, 2]
    assert all(h.set_by for h in history)
    assert store.models.aliases("m") == {"production": 2}
    store.models.remove_alias("m", "production")
    with pytest.raises(tm.NotFoundError):
        store.get("model:m@production")
    assert [m.version for m in store.models.versions("m")] == [1, 2]


def test_deploy_records_lineage(store):
    model = store.log_artifact("Model", "m", digest=_sha(b"1"))
    deployment = store.models.deploy(model.ref, endpoint="https://x.invalid", health="healthy")
    assert deployment.type == "Deployment" and deployment.properties["endpoint"] == "https://x.invalid"
    up = store.lineage(deployment, direction="upstream")
    assert [e.type for e in up.executions()] == ["Deploy"]
    assert [a.id for a in up.artifacts("Model")] == [model.id]
    with pytest.raises(tm.ValidationError, match="not a model"):
        store.models.deploy(deployment.ref, endpoint="x")


# -- hostile values ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda s: s.log_artifact("Dataset", "nul\x00name"), "invalid name"),
        (lambda s: s.log_artifact("Dataset", "x", properties={"k": "a\x00b"}), "NUL"),
        (lambda s: s.log_artifact("Dataset", "n" * 301), "invalid name"),
        (lambda s: s.set_alias("m", "a" * 101, version=1), "invalid alias"),
        (lambda s: s.log_metrics(s.start_execution("T", "t"), {"x": 1.0}, step=2**63), "metric step"),
        (lambda s: s.lineage(s.start_execution("T", "t"), depth=10**7), "depth"),
        (lambda s: s.link(s.start_execution("T", "t"), inputs=[s.log_artifact("Dataset", "d", digest=_sha(b"d"))],
                          roles={1: "r" * 101}), "invalid role"),
    ],
)
def test_hostile_values_are_refused_the_same_on_every_backend(store, call, message):
    with pytest.raises(tm.ValidationError, match=message):
        call(store)


def test_long_params_are_kept(store):
    e = store.start_execution("Train", "t", params={"plan": "x" * 5000})
    assert store.get(e.ref).params["plan"] == "x" * 5000


def test_nul_in_an_error_message_is_dropped(store):
    e = store.start_execution("Train", "t")
    assert store.end_execution(e, status="FAILED", error="bad\x00byte").error == "badbyte"
