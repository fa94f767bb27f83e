"""The REST server: a thin FastAPI face over SqlStore (``pip install 'trailmark[server]'``)."""

from trailmark.server.app import app_from_env, create_app

__all__ = ["app_from_env", "create_app"]
