"""Search against real stores: every construct of the language, ordering, pages and errors."""

from __future__ import annotations

import hashlib
from types import SimpleNamespace

import pytest

from trailmark.errors import FilterSyntaxError, ValidationError


def _sha(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture
def world(store):
    """raw@1 -> Train-gb (running); raw@2 -> clean -> clean@1 -> train-rf -> rf@1 -> eval -> report,
    and clean@1 -> train-lr (failed) -> lr@1."""
    w = SimpleNamespace(store=store)
    w.d1 = store.log_artifact("Dataset", "raw", digest=_sha("d1"), properties={
        "rows": 100, "source": "s3", "flag": True, "schema": [{"name": "a", "dtype": "int64"}],
        "stats": {"a": {"mean": 1.5}}})
    w.d2 = store.log_artifact("Dataset", "raw", "s3://bucket/raw2.csv", digest=_sha("d2"),
                              properties={"rows": 120, "source": "S3", "flag": False, "note": None})
    w.prep = store.start_execution("Preprocess", "clean")
    w.d3 = store.log_artifact("Dataset", "clean", digest=_sha("d3"), properties={"rows": "many"})
    store.link(w.prep, inputs=[w.d2], outputs=[w.d3])
    store.end_execution(w.prep)
    w.t1 = store.start_execution("Train", "train-rf", params={"model": "rf", "depth": 10, "lr": 0.1, "early": True},
                                 environment={"python": "3.11.7", "platform": "Linux", "git": {"commit": "abc123"}})
    w.m1 = store.log_artifact("Model", "rf", digest=_sha("m1"))
    store.link(w.t1, inputs=[w.d3], outputs=[w.m1])
    store.log_metrics(w.t1, {"rmse": 0.5}, step=0)
    store.log_metrics(w.t1, {"rmse": 0.3}, step=1)
    store.end_execution(w.t1)
    w.t2 = store.start_execution("Train", "train-lr", params={"model": "lr", "depth": 3, "lr": 0.01, "early": False},
                                 environment={"python": "3.10.2"})
    w.m2 = store.log_artifact("Model", "lr", digest=_sha("m2"))
    store.link(w.t2, inputs=[w.d3], outputs=[w.m2])
    store.log_metrics(w.t2, {"rmse": 0.4})
    store.end_execution(w.t2, status="FAILED", error="diverged")
    w.t3 = store.start_execution("Train", "Train-gb", params={"model": "gb"})
    store.link(w.t3, inputs=[w.d1])
    w.ev = store.start_execution("Evaluate", "eval")
    w.r1 = store.log_artifact("Report", "eval-report", digest=_sha("r1"))
    store.link(w.ev, inputs=[w.m1], outputs=[w.r1])
    store.end_execution(w.ev)
    store.set_tag(w.m1, "stage", "production")
    store.set_tag(w.t1, "owner", "alice")
    return w


def _refs(world, text: str, kind: str, **kwargs) -> list[str]:
    return [node.ref for node in world.store.search(text, kind=kind, limit=100, **kwargs)]


def _check(world, kind: str, cases: dict[str, set[str]]) -> None:
    wrong = {}
    for text, expected in cases.items():
        want = {getattr(world, name).ref for name in expected}
        got = set(_refs(world, text.format(w=world), kind))
        if got != want:
            wrong[text] = (sorted(got), sorted(want))
    assert not wrong, wrong


ALL_EXECUTIONS = {"prep", "t1", "t2", "t3", "ev"}
ALL_ARTIFACTS = {"d1", "d2", "d3", "m1", "m2", "r1"}


def test_execution_fields_and_operators(world):
    today = world.t1.started_at.date().isoformat()
    _check(world, "executions", {
        "": ALL_EXECUTIONS,
        "id = {w.t1.id}": {"t1"},
        "id IN ({w.t1.id}, {w.t2.id})": {"t1", "t2"},
        "type = 'Train'": {"t1", "t2", "t3"},
        "name = 'train-rf'": {"t1"},
        "name LIKE 'train%'": {"t1", "t2"},
        "name ILIKE 'TRAIN%'": {"t1", "t2", "t3"},
        "name NOT LIKE 'train%'": {"prep", "t3", "ev"},
        "name LIKE 'train_rf'": {"t1"},
        "name LIKE 'train\\_rf'": set(),
        "name LIKE 'train*'": set(),
        "name LIKE 'train-?f'": set(),
        "name LIKE '[t]rain-rf'": set(),
        "status = 'FAILED'": {"t2"},
        "status != 'COMPLETE'": {"t2", "t3"},
        "status IN ('COMPLETE', 'FAILED')": {"prep", "t1", "t2", "ev"},
        "status NOT IN ('COMPLETE')": {"t2", "t3"},
        "ended IS NULL": {"t3"},
        "ended IS NOT NULL": ALL_EXECUTIONS - {"t3"},
        "duration < 600": ALL_EXECUTIONS - {"t3"},
        "duration > 1h": set(),
        "duration IS NULL": {"t3"},
        "not duration > 1h": ALL_EXECUTIONS,
        "project = '{w.store.project}'": ALL_EXECUTIONS,
        "project = 'elsewhere'": set(),
        "created_by = '{w.t1.created_by}'": ALL_EXECUTIONS,
        "created > now() - 1h": ALL_EXECUTIONS,
        "started < now() - 1d": set(),
        "created > 2000-01-01 and ended < 2999-12-31T23:59:59Z": ALL_EXECUTIONS - {"t3"},
        f"started >= '{today}'": ALL_EXECUTIONS,
        "started < 2000-01-01": set(),
    })
    assert world.t1.ref in _refs(world, f"created = {today}", "executions")


def test_params_metrics_tags_env(world):
    _check(world, "executions", {
        "params.model = 'rf'": {"t1"},
        "params.depth >= 5": {"t1"},
        "params.depth < 5": {"t2"},
        "params.lr = 0.01": {"t2"},
        "params.early = true": {"t1"},
        "params.early = false": {"t2"},
        "params.model IN ('rf', 'gb')": {"t1", "t3"},
        "params.model NOT IN ('rf')": {"t2", "t3"},
        "params.model != 'rf'": {"t2", "t3"},
        "not params.model = 'rf'": {"prep", "t2", "t3", "ev"},
        "params.model LIKE 'r%'": {"t1"},
        "params.model IS NULL": {"prep", "ev"},
        "params.model IS NOT NULL": {"t1", "t2", "t3"},
        "metrics.rmse < 0.35": {"t1"},
        "metrics.rmse > 0.35": {"t2"},
        "metrics.rmse.max >= 0.5": {"t1"},
        "metrics.rmse.min = 0.3": {"t1"},
        "metrics.rmse IS NULL": {"prep", "t3", "ev"},
        "tags.owner = 'alice'": {"t1"},
        "tags.owner IS NULL": ALL_EXECUTIONS - {"t1"},
        "env.python LIKE '3.11%'": {"t1"},
        "env.git.commit = 'abc123'": {"t1"},
        "env.python IS NULL": {"prep", "t3", "ev"},
    })


def test_artifact_fields_properties_and_producer_metrics(world):
    _check(world, "artifacts", {
        "": ALL_ARTIFACTS,
        "type = 'Dataset'": {"d1", "d2", "d3"},
        "version = 2": {"d2"},
        "digest = '{w.d1.digest}'": {"d1"},
        "uri LIKE 's3://%'": {"d2"},
        "uri IS NULL": ALL_ARTIFACTS - {"d2"},
        "properties.rows = 100": {"d1"},
        "properties.rows > 100": {"d2"},
        "properties.rows >= 0": {"d1", "d2"},
        "properties.rows = 'many'": {"d3"},
        "properties.source = 's3'": {"d1"},
        "properties.source ILIKE 's3'": {"d1", "d2"},
        "properties.flag = true": {"d1"},
        "properties.flag != true": {"d2"},
        "properties.note IS NULL": ALL_ARTIFACTS,
        "properties.stats.a.mean > 1": {"d1"},
        "properties.schema.0.dtype = 'int64'": {"d1"},
        "properties.stats IS NOT NULL": {"d1"},
        "tags.stage = 'production'": {"m1"},
        "metrics.rmse < 0.35": {"m1"},
        "params.model = 'lr'": {"m2"},
        "name = 'raw' and version = 1 or name = 'clean'": {"d1", "d3"},
        "name = 'raw' and (version = 1 or name = 'clean')": {"d1"},
        "name = 'x''; DROP TABLE artifacts; --'": set(),
    })
    _check(world, "models", {
        "": {"m1", "m2"},
        "metrics.rmse < 0.45": {"m1", "m2"},
        "params.model = 'rf'": {"m1"},
        "tags.stage = 'production'": {"m1"},
    })


def test_lineage_predicates(world):
    _check(world, "executions", {
        "derived_from('dataset:raw@2')": {"prep", "t1", "t2", "ev"},
        "derived_from('dataset:raw@1')": {"t3"},
        "derived_from('dataset:raw@2') and params.model = 'rf'": {"t1"},
        "derived_from('dataset:raw@1') or derived_from('dataset:clean@1')": {"t3", "t1", "t2", "ev"},
        "upstream_of('report:eval-report@1')": {"ev", "t1", "prep"},
        "not upstream_of('report:eval-report@1')": {"t2", "t3"},
    })
    _check(world, "artifacts", {
        "derived_from('dataset:raw@2')": {"d3", "m1", "m2", "r1"},
        "upstream_of('model:rf@1')": {"d2", "d3"},
        "upstream_of('{w.t2.ref}')": {"d2", "d3"},
    })
    _check(world, "models", {"derived_from('dataset:raw')": {"m1", "m2"}})
    message = "derived_from\\('dataset:nope'\\): no dataset named 'nope' at column 1"
    with pytest.raises(FilterSyntaxError, match=message):
        world.store.search("derived_from('dataset:nope')")


def test_classification_reads_labels_propagated_downstream(world):
    store = world.store
    if not hasattr(store, "classify"):
        pytest.skip("this backend has no classify()")
    store.classify(world.d2.ref, "PII")
    store.classify(world.d3.ref, "SENSITIVE", propagate=False)
    _check(world, "artifacts", {
        "classification = 'PII'": {"d2", "d3", "m1", "m2", "r1"},
        "classification = 'SENSITIVE'": {"d3"},
        "classification IN ('SENSITIVE')": {"d3"},
        "classification LIKE 'SENS%'": {"d3"},
        "classification IS NULL": {"d1"},
        "classification != 'PII'": {"d3"},
        "not classification = 'PII'": {"d1"},
    })
    _check(world, "executions", {"classification = 'PII'": {"prep", "t1", "t2", "ev"}})
    assert _refs(world, "", "artifacts", order_by=["classification", "id"])[:2] == [world.d2.ref, world.d3.ref]
    store.declassify(world.d2.ref, "PII")
    _check(world, "artifacts", {"classification = 'PII'": set()})


def test_ordering_nulls_last_either_way(world):
    def ids(*names: str) -> list[str]:
        return [getattr(world, n).ref for n in names]

    by_id = sorted(["prep", "t3", "ev"], key=lambda n: getattr(world, n).id)
    assert _refs(world, "", "executions", order_by=["metrics.rmse asc"]) == ids("t1", "t2", *by_id)
    assert _refs(world, "", "executions", order_by=["metrics.rmse desc"]) == ids("t2", "t1", *reversed(by_id))
    assert _refs(world, "metrics.rmse > 0", "executions", order_by=["metrics.rmse desc"]) == ids("t2", "t1")
    assert _refs(world, "type = 'Train'", "executions", order_by=["params.depth desc"]) == ids("t1", "t2", "t3")
    assert _refs(world, "type = 'Dataset'", "artifacts", order_by=["properties.rows"]) == ids("d1", "d2", "d3")
    assert _refs(world, "name LIKE 'train%'", "executions", order_by=["name"]) == ids("t2", "t1")
    assert _refs(world, "", "models", order_by=["metrics.rmse"]) == ids("m1", "m2")
    newest_first = sorted(ALL_ARTIFACTS, key=lambda n: getattr(world, n).id, reverse=True)
    assert _refs(world, "", "artifacts") == ids(*newest_first)
    assert _refs(world, "", "artifacts", order_by=["type", "created desc"]) == ids(
        *sorted(newest_first, key=lambda n: getattr(world, n).type))


PAGED_ORDERS = [None, ["metrics.rmse"], ["metrics.rmse desc", "name"], ["params.depth desc"], ["tags.stage"]]


@pytest.mark.parametrize(("kind", "text", "order"), [
    *(("executions", "", order) for order in [*PAGED_ORDERS, ["duration"], ["ended desc"]]),
    *(("artifacts", "", order) for order in [*PAGED_ORDERS, ["uri desc"], ["properties.rows"]]),
    ("executions", "metrics.rmse > 0", ["metrics.rmse desc"]),
    ("models", "metrics.rmse > 0", ["metrics.rmse"]),
])
def test_pages_walk_the_same_order_as_one_query(world, kind, text, order):
    whole = _refs(world, text, kind, order_by=order)
    for size in (1, 2, 4):
        seen, token = [], None
        while True:
            page = world.store.search(text, kind=kind, order_by=order, limit=size, page_token=token)
            seen += [n.ref for n in page]
            token = page.next_page_token
            if token is None:
                break
        assert seen == whole, (size, order)


def test_pages_stay_correct_while_rows_are_added(world):
    store = world.store
    first = store.search("type = 'Train'", kind="executions", order_by=["metrics.rmse"], limit=1)
    assert [e.ref for e in first] == [world.t1.ref]
    earlier = store.start_execution("Train", "late-good")
    store.log_metrics(earlier, {"rmse": 0.1})  # sorts before the cursor: not on later pages
    later = store.start_execution("Train", "late-bad")
    store.log_metrics(later, {"rmse": 0.9})  # sorts after it: shows up
    rest, token = [], first.next_page_token
    while token:
        page = store.search("type = 'Train'", kind="executions", order_by=["metrics.rmse"], limit=1, page_token=token)
        rest += [e.ref for e in page]
        token = page.next_page_token
    assert rest == [world.t2.ref, later.ref, world.t3.ref]  # t3 has no rmse: last


def test_page_tokens_belong_to_their_search(world):
    token = world.store.search("", kind="executions", limit=1).next_page_token
    with pytest.raises(ValidationError, match="another search"):
        world.store.search("type = 'Train'", kind="executions", limit=1, page_token=token)
    with pytest.raises(ValidationError, match="another search"):
        world.store.search("", kind="executions", order_by=["name"], limit=1, page_token=token)
    for garbage in ("x", "!!!", token[:-3], "e30", ""):
        with pytest.raises(ValidationError, match="page token"):
            world.store.search("", kind="executions", limit=1, page_token=garbage)


@pytest.mark.parametrize("limit", [0, -1, 10_001, True, "5", 2.5])
def test_limit_is_checked(store, limit):
    with pytest.raises(ValidationError, match="limit must be"):
        store.search("", limit=limit)


@pytest.mark.parametrize(
    ("kind", "text", "order", "message"),
    [
        ("runs", "", None, "unknown search kind 'runs'"),
        ("artifacts", "status = 'FAILED'", None, "field 'status' applies to executions, not artifacts at column 1"),
        ("models", "name = 'x' and env.python = '3'", None, "field 'env.python' applies to executions, not models"),
        ("executions", "version = 1", None, "field 'version' applies to artifacts and models, not executions"),
        ("executions", "", ["uri"], "field 'uri' applies to artifacts and models"),
        ("artifacts", "version = 'one'", None, "'version' cannot be compared with a string"),
        ("artifacts", "name = 3", None, "'name' cannot be compared with a number: quote the value"),
        ("executions", "status = 'failed'", None, "unknown status 'failed'"),
        ("executions", "metrics.rmse LIKE '1%'", None, "LIKE applies to text"),
        ("executions", "metrics.rmse = 'low'", None, "'metrics.rmse' cannot be compared with a string"),
        ("executions", "created > 5", None, "'created' is a time"),
        ("executions", "created > 'yesterday'", None, "cannot read 'yesterday' as a date"),
        ("executions", "params.early < true", None, "true and false cannot be compared with <"),
        ("executions", "params.model IN ('rf', 2)", None, "mixes values of different types"),
        ("executions", "name LIKE 'abc\\'", None, "cannot end with a lone"),
        ("executions", "duration > 'long'", None, "compare it with seconds or a duration"),
        ("executions", "", ["metric.rmse"], "did you mean 'metrics.rmse'"),
    ],
)
def test_mistakes_are_filter_errors(store, kind, text, order, message):
    with pytest.raises(ValidationError, match=message.replace("(", "\\(").replace(")", "\\)")):
        store.search(text, kind=kind, order_by=order)
