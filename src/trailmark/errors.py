"""The error tree of Trailmark.

::

    TrailmarkError                      code="error"            500
    ├── ValidationError (ValueError)    code="invalid"          400
    │   ├── FilterSyntaxError           code="filter_syntax"    400   (carries line/column)
    │   └── DataValidationError         code="data_invalid"     422   (carries the report)
    ├── NotFoundError (LookupError)     code="not_found"        404
    ├── AmbiguousReferenceError         code="ambiguous_ref"    400   (lists candidates)
    ├── ConflictError                   code="conflict"         409
    ├── PermissionDeniedError           code="permission"       403
    │   └── AuthenticationError         code="unauthenticated"  401   (no valid token)
    ├── StoreVersionError               code="store_version"    503
    └── GateFailedError                 code="gate_failed"      409   (a protected alias refused a version)

Every class carries ``code`` and ``http_status`` so that the server maps an error to a
response by class alone, and the HTTP client maps it back.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class TrailmarkError(Exception):
    """Base of every error Trailmark raises on purpose."""

    code = "error"
    http_status = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(TrailmarkError, ValueError):
    """An argument or payload is malformed."""

    code = "invalid"
    http_status = 400


class FilterSyntaxError(ValidationError):
    """A search filter does not parse; ``line`` and ``column`` point at the problem."""

    code = "filter_syntax"

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


class DataValidationError(ValidationError):
    """Data failed the checks of a Validate step; ``report`` holds every check and figure."""

    code = "data_invalid"
    http_status = 422

    def __init__(self, message: str, *, report: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.report = report or {}


class NotFoundError(TrailmarkError, LookupError):
    """A reference names nothing in the store."""

    code = "not_found"
    http_status = 404


class AmbiguousReferenceError(TrailmarkError):
    """A reference matches more than one node; ``candidates`` lists them."""

    code = "ambiguous_ref"
    http_status = 400

    def __init__(self, message: str, *, candidates: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.candidates = list(candidates)


class ConflictError(TrailmarkError):
    """The write clashes with what is stored (for example a running execution ended twice)."""

    code = "conflict"
    http_status = 409


class PermissionDeniedError(TrailmarkError):
    """The caller may not do this."""

    code = "permission"
    http_status = 403


class AuthenticationError(PermissionDeniedError):
    """No valid credentials: the token is missing, malformed, unknown, expired or revoked."""

    code = "unauthenticated"
    http_status = 401


class StoreVersionError(TrailmarkError):
    """The store's schema is older or newer than this version of Trailmark."""

    code = "store_version"
    http_status = 503


class GateFailedError(TrailmarkError):
    """A protected alias refused a version that does not pass its gate (``force=True``: admins only)."""

    code = "gate_failed"
    http_status = 409


ERRORS_BY_CODE: dict[str, type[TrailmarkError]] = {
    cls.code: cls
    for cls in (
        TrailmarkError,
        ValidationError,
        FilterSyntaxError,
        DataValidationError,
        NotFoundError,
        AmbiguousReferenceError,
        ConflictError,
        PermissionDeniedError,
        AuthenticationError,
        StoreVersionError,
        GateFailedError,
    )
}
