"""MLflow compatibility: the service behind ``trailmark server``'s MLflow REST API, and the importer.

The modules here work on a :class:`~trailmark.store.sql.SqlStore` (the server's store, or
the one an import writes to) with the mapping of docs/mlflow.md. Importing this package
does not import mlflow; the importer does, when it runs.
"""

from trailmark.mlflow._import import ImportSummary, import_mlflow

__all__ = ["ImportSummary", "import_mlflow"]
