"""StoreURL: a store URI parsed once."""

from __future__ import annotations

import pytest

import trailmark as tm
from trailmark._url import StoreURL


@pytest.mark.parametrize(
    ("text", "scheme", "driver", "host", "database"),
    [
        ("sqlite:///trailmark.db", "sqlite", None, None, "trailmark.db"),
        ("sqlite:////tmp/a/b.db", "sqlite", None, None, "/tmp/a/b.db"),
        ("sqlite://", "sqlite", None, None, None),
        ("sqlite:///:memory:", "sqlite", None, None, None),
        ("SQLite+pysqlite:///x.db?mode=ro", "sqlite", "pysqlite", None, "x.db"),
        ("postgresql://me:pw@db:5432/tm", "postgresql", None, "db", "tm"),
        ("postgres+psycopg://me@db/tm", "postgresql", "psycopg", "db", "tm"),
        ("http://127.0.0.1:5000", "http", None, "127.0.0.1", None),
        ("https://tm.example/prefix/", "https", None, "tm.example", "/prefix"),
    ],
)
def test_parse(text, scheme, driver, host, database):
    url = StoreURL.parse(text)
    assert (url.scheme, url.driver, url.host, url.database) == (scheme, driver, host, database)
    assert url.is_sql == (scheme in ("sqlite", "postgresql")) and url.is_http == (not url.is_sql)
    assert str(url) == text and StoreURL.parse(url) is url


@pytest.mark.parametrize("text", ["mysql://x/y", "trailmark.db", "", "ftp://host/x"])
def test_unsupported_uris_say_what_is_accepted(text):
    with pytest.raises(tm.ValidationError, match=r"unsupported store URI .*sqlite:///PATH"):
        StoreURL.parse(text)


def test_a_server_url_is_refused_where_the_database_is_needed():
    with pytest.raises(tm.ValidationError, match="db upgrade needs the database URI .* not a server"):
        StoreURL.parse("http://127.0.0.1:1").require_sql("db upgrade")
    assert StoreURL.parse("sqlite:///x.db").require_sql("db upgrade").sqlite_file == "x.db"
