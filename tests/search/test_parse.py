"""The filter grammar: what parses to what, where errors point, and what random input does."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from trailmark.errors import FilterSyntaxError, ValidationError
from trailmark.search import And, Comparison, Field, InList, IsNull, Lineage, Not, Now, Or, parse, parse_order
from trailmark.store.sql._tables import metadata

rmse = Field("metrics", ("rmse",))
model = Field("params", ("model",))


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("metrics.rmse < 0.5", Comparison(rmse, "<", 0.5)),
        ("METRICS.rmse <= 1e3", Comparison(rmse, "<=", 1000.0)),
        ("metrics.rmse.min > -2", Comparison(Field("metrics", ("rmse",), "min"), ">", -2)),
        ("metrics.rmse.MAX >= 3", Comparison(Field("metrics", ("rmse",), "max"), ">=", 3)),
        ("metrics.val.loss = 1", Comparison(Field("metrics", ("val.loss",)), "=", 1)),
        ("metrics.`loss.min` = 1", Comparison(Field("metrics", ("loss.min",)), "=", 1)),
        ("params.model = 'rf'", Comparison(model, "=", "rf")),
        ("params.Model = 'rf'", Comparison(Field("params", ("Model",)), "=", "rf")),
        ("params.model != 'it''s'", Comparison(model, "!=", "it's")),
        ("params.model <> 'rf'", Comparison(model, "!=", "rf")),
        ("params.early_stop = TRUE", Comparison(Field("params", ("early_stop",)), "=", True)),
        ("params.early_stop = false", Comparison(Field("params", ("early_stop",)), "=", False)),
        ("properties.stats.age.mean > 3", Comparison(Field("properties", ("stats", "age", "mean")), ">", 3)),
        ("properties.schema.0.name = 'x'", Comparison(Field("properties", ("schema", 0, "name")), "=", "x")),
        ("properties.`0` = 'x'", Comparison(Field("properties", ("0",)), "=", "x")),
        ("tags.`release note` = 'x'", Comparison(Field("tags", ("release note",)), "=", "x")),
        ("env.git.commit LIKE 'ab%'", Comparison(Field("env", ("git", "commit")), "like", "ab%")),
        ("name ILIKE 'Train%'", Comparison(Field("name"), "ilike", "Train%")),
        ("name not like 'x%'", Comparison(Field("name"), "not like", "x%")),
        ("name NOT ILIKE 'x%'", Comparison(Field("name"), "not ilike", "x%")),
        ("status IN ('FAILED', 'RUNNING')", InList(Field("status"), ("FAILED", "RUNNING"))),
        ("version not in (1, 2)", InList(Field("version"), (1, 2), negated=True)),
        ("uri IS NULL", IsNull(Field("uri"))),
        ("uri is not null", IsNull(Field("uri"), negated=True)),
        ("created > 2026-05-01", Comparison(Field("created"), ">", date(2026, 5, 1))),
        ("ended < 2026-05-01T10:30:00Z",
         Comparison(Field("ended"), "<", datetime(2026, 5, 1, 10, 30, tzinfo=timezone.utc))),
        ("started >= 2026-05-01T10:30",
         Comparison(Field("started"), ">=", datetime(2026, 5, 1, 10, 30, tzinfo=timezone.utc))),
        ("created > now() - 7d", Comparison(Field("created"), ">", Now(timedelta(days=-7)))),
        ("created < NOW() + 1.5h", Comparison(Field("created"), "<", Now(timedelta(hours=1.5)))),
        ("created <= now()", Comparison(Field("created"), "<=", Now())),
        ("duration > 5m", Comparison(Field("duration"), ">", timedelta(minutes=5))),
        ("duration > 30", Comparison(Field("duration"), ">", 30)),
        ("derived_from('dataset:housing-raw')", Lineage("derived_from", "dataset:housing-raw")),
        ("UPSTREAM_OF('model:rf@production')", Lineage("upstream_of", "model:rf@production")),
        ("classification = 'PII'", Comparison(Field("classification"), "=", "PII")),
    ],
)
def test_constructs(text, tree):
    assert parse(text) == tree


def test_precedence_not_then_and_then_or():
    a, b, c = (Comparison(Field("name"), "=", v) for v in "abc")
    assert parse("name = 'a' or name = 'b' and not name = 'c'") == Or((a, And((b, Not(c)))))
    assert parse("(name = 'a' or name = 'b') and name = 'c'") == And((Or((a, b)), c))
    assert parse("not (name = 'a' and name = 'b')") == Not(And((a, b)))
    assert parse("name = 'a' AND name = 'b' and name = 'c'") == And((a, b, c))


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty_filter_is_none(text):
    assert parse(text) is None


def test_fields_remember_where_they_were_written():
    tree = parse("name = 'a' and\n  metrics.rmse < 1")
    assert (tree.items[1].field.line, tree.items[1].field.column) == (2, 3)


@pytest.mark.parametrize(
    ("text", "message", "column"),
    [
        ("type = 'Model' and rmse_x < 3", "unknown field 'rmse_x'", 20),
        ("metrics.rmse < ", "expected a value after '<' at column 16", 16),
        ("metrics.rmse < and name = 'x'", "expected a value after '<', found 'and' at column 16", 16),
        ("metric.rmse < 3", "unknown field 'metric.rmse', did you mean 'metrics.rmse'? at column 1", 1),
        ("name = 'a' and stauts = 'x'", "unknown field 'stauts', did you mean 'status'? at column 16", 16),
        ("name = abc", "found 'abc' (text goes in single quotes: 'abc') at column 8", 8),
        ("name = 'abc", "unterminated string", 8),
        ('name = "abc"', "single quotes", 8),
        ("name 'x'", "expected an operator", 6),
        ("(name = 'x'", "expected ')'", 12),
        ("name = 'x')", "unmatched ')' at column 11", 11),
        ("name = 'x' name = 'y'", "expected 'and', 'or' or the end of the filter", 12),
        ("name = 'x' and", "expected a field, 'not', '(' or a lineage predicate after 'and'", 15),
        ("name is 'x'", "expected NULL or NOT NULL after 'is'", 9),
        ("name in ()", "expected a value after '('", 10),
        ("name @ 'x'", "unexpected character '@' at column 6", 6),
        ("params = 1", "field 'params' needs a key, as in params.KEY", 1),
        ("name.first = 'x'", "field 'name' has no keys", 1),
        ("name like 3", "LIKE needs a 'quoted pattern'", 6),
        ("created > 2026-02-30", "invalid date '2026-02-30'", 11),
        ("version = 99999999999999999999", "out of range", 11),
        ("derived_form('dataset:x')", "unknown function 'derived_form', did you mean 'derived_from'?", 1),
        ("derived_from(3)", "expected a 'quoted reference'", 14),
        ("derived_from('not a ref')", "derived_from: cannot read reference 'not a ref'", 1),
        ("properties.`a\"b` = 1", "a JSON key cannot contain '\"'", 1),
        ("name = 'x' and\nversion = ", "expected a value after '=' at line 2, column 11", 11),
    ],
)
def test_errors_say_what_and_where(text, message, column):
    with pytest.raises(FilterSyntaxError, match=re.escape(message)) as caught:
        parse(text)
    assert caught.value.column == column
    assert caught.value.line == (2 if "\n" in text else 1)


def test_deep_nesting_is_refused_not_a_recursion_error():
    with pytest.raises(FilterSyntaxError, match="nests more than"):
        parse("not " * 500 + "name = 'x'")


def test_filter_must_be_text_of_bounded_length():
    with pytest.raises(ValidationError, match="must be text"):
        parse(42)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="limit is"):
        parse("name = 'x' or " * 5000 + "name = 'y'")


@pytest.mark.parametrize(
    ("text", "field", "descending"),
    [("metrics.rmse", rmse, False), ("metrics.rmse DESC", rmse, True), ("created asc", Field("created"), False)],
)
def test_order_items(text, field, descending):
    assert parse_order(text) == (field, descending)


def test_order_errors():
    with pytest.raises(FilterSyntaxError, match="expected asc or desc after 'name', found 'up'"):
        parse_order("name up")
    with pytest.raises(FilterSyntaxError, match="did you mean 'metrics.rmse'"):
        parse_order("metric.rmse")


# -- random and hostile input ---------------------------------------------------------------

INJECTIONS = [
    "'; DROP TABLE executions; --",
    "' OR '1'='1",
    "x' UNION SELECT name FROM sqlite_master --",
    "1; DELETE FROM artifacts",
    "\\'; DROP TABLE nodes; --",
    "$.\"a\"') --",
    "a\"}; drop table params; --",
    "%' AND 1=1 --",
    "\x00",
    "🙂' || pg_sleep(5) || '",
]
PIECES = ["name", "metrics.rmse", "params.model", "properties.a.b", "tags.t", "env.python", "status", "created",
          "duration", "id", "=", "!=", "<", ">=", "like", "ILIKE", "in", "not", "is", "null", "and", "or", "(", ")",
          ",", "'x'", "1", "-2.5e3", "true", "2026-05-01", "now()", "- 7d", "derived_from('dataset:raw')", "`k`",
          ".", "'", '"', ";", "--", "/*", "\\", "*"]

tokens = st.lists(st.sampled_from(PIECES + INJECTIONS), max_size=12).map(" ".join)
hostile = st.one_of(
    st.text(max_size=60),
    tokens,
    st.builds(str.format, st.sampled_from([
        "name = '{0}'", "params.{0} = 1", "tags.`{0}` = 'x'", "properties.`{0}` = 'x'", "name LIKE '{0}'",
        "derived_from('{0}')", "upstream_of('dataset:{0}')", "{0}", "name IN ('{0}', 'b')",
    ]), st.sampled_from(INJECTIONS).map(lambda s: s.replace("'", "''"))),
)


@settings(max_examples=400, deadline=None)
@given(hostile)
def test_parser_raises_only_filter_errors(text):
    try:
        parse(text)
    except FilterSyntaxError as exc:
        assert exc.column is None or exc.column >= 1


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=hostile, order=st.one_of(st.none(), tokens, st.sampled_from(INJECTIONS)),
       token=st.one_of(st.none(), st.text(max_size=40), st.sampled_from(INJECTIONS)))
def test_search_with_hostile_input_raises_only_validation_errors_and_changes_nothing(sample_store, text, order, token):
    store, before = sample_store
    for kind in ("artifacts", "executions", "models"):
        try:
            store.search(text, kind=kind, order_by=[order] if order else None, limit=5, page_token=token)
        except ValidationError:  # FilterSyntaxError is one
            pass
    assert _snapshot(store) == before


@pytest.fixture
def sample_store(store):
    if not hasattr(store, "engine"):
        pytest.skip("compares the database's rows: SQL backends only")
    data = store.log_artifact("Dataset", "raw", digest="sha256:" + "a" * 64, properties={"a": {"b": 1}})
    run = store.start_execution("Train", "t", params={"model": "rf"})
    store.link(run, inputs=[data])
    store.log_metrics(run, {"rmse": 0.5})
    store.end_execution(run)
    store.set_tag(data, "t", "x")
    return store, _snapshot(store)


def _snapshot(store) -> dict[str, list]:
    with store.engine.connect() as conn:
        return {t.name: sorted(map(repr, conn.execute(select(t)).all())) for t in metadata.sorted_tables}


