"""MLflow's error shape: ``{"error_code": "RESOURCE_DOES_NOT_EXIST", "message": ...}`` with MLflow's statuses.

MLflow clients match on ``error_code``, so every failure of the compatible API carries one:
:class:`MlflowError` names its own, a Trailmark error gets the code of its class.
"""

from __future__ import annotations

from trailmark.errors import (
    AuthenticationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    TrailmarkError,
    ValidationError,
)

STATUS = {
    "INVALID_PARAMETER_VALUE": 400,
    "RESOURCE_ALREADY_EXISTS": 400,
    "BAD_REQUEST": 400,
    "UNAUTHENTICATED": 401,
    "PERMISSION_DENIED": 403,
    "RESOURCE_DOES_NOT_EXIST": 404,
    "ENDPOINT_NOT_FOUND": 404,
    "INVALID_STATE": 500,
    "INTERNAL_ERROR": 500,
    "NOT_IMPLEMENTED": 501,
}


class MlflowError(TrailmarkError):
    """A failure reported with one of MLflow's error codes."""

    def __init__(self, message: str, error_code: str = "INVALID_PARAMETER_VALUE") -> None:
        super().__init__(message)
        self.error_code = error_code
        self.http_status = STATUS.get(error_code, 400)


class MlflowNotFoundError(MlflowError, NotFoundError):
    """RESOURCE_DOES_NOT_EXIST, also caught as NotFoundError (and LookupError)."""


def invalid(message: str) -> MlflowError:
    return MlflowError(message, "INVALID_PARAMETER_VALUE")


def missing(message: str) -> MlflowError:
    return MlflowNotFoundError(message, "RESOURCE_DOES_NOT_EXIST")


def exists(message: str) -> MlflowError:
    return MlflowError(message, "RESOURCE_ALREADY_EXISTS")


def code_of(exc: Exception) -> tuple[str, int]:
    """The MLflow error code and HTTP status for any error the API raised."""
    if isinstance(exc, MlflowError):
        return exc.error_code, exc.http_status
    for cls, code in (
        (AuthenticationError, "UNAUTHENTICATED"),
        (PermissionDeniedError, "PERMISSION_DENIED"),
        (NotFoundError, "RESOURCE_DOES_NOT_EXIST"),
        (ConflictError, "INVALID_PARAMETER_VALUE"),
        (ValidationError, "INVALID_PARAMETER_VALUE"),
    ):
        if isinstance(exc, cls):
            return code, STATUS[code]
    if isinstance(exc, TrailmarkError) and exc.http_status < 500:
        return "INVALID_PARAMETER_VALUE", 400
    return "INTERNAL_ERROR", 500
