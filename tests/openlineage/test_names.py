"""OpenLineage text to Trailmark names, types and uris."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from trailmark.openlineage._names import dataset_uri, node_name, type_name
from trailmark.store import _validate


def test_names():
    assert node_name("/warehouse/orders") == "warehouse/orders"
    assert node_name("my table@v2") == "my_table_v2"
    assert node_name("") == "unnamed"
    long = node_name("x" * 400)
    assert len(long) == _validate.MAX_NAME and long != node_name("x" * 401)


@given(st.text())
def test_any_text_is_a_valid_name_and_type(text):
    _validate.node_name(node_name(text))
    _validate.type_name(type_name(text))


def test_types():
    assert type_name("QUERY") == "Query"
    assert type_name("dbt model") == "dbt_model"
    assert type_name("42") == "Job"


def test_uris():
    assert dataset_uri("file", "/data/x.csv") == "file:///data/x.csv"
    assert dataset_uri("s3://bucket/", "/key") == "s3://bucket/key"
    assert dataset_uri("postgres://db:5432", "shop.public.orders") == "postgres://db:5432/shop.public.orders"
