"""HttpStore's users, tokens and projects: the routes of ``trailmark.server.routes.access``.

The server decides who may do what (see that module); a refusal comes back as the
PermissionDeniedError or AuthenticationError the embedded store would raise.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar, cast
from urllib.parse import quote

from trailmark._clock import Clock
from trailmark.entities import Artifact, from_dict
from trailmark.errors import AuthenticationError, ValidationError
from trailmark.governance import IssuedToken, Principal, Role, TokenInfo, User, authorize
from trailmark.store.http._transport import Transport

if TYPE_CHECKING:
    from trailmark.store.http._store import HttpStore

T = TypeVar("T")


class HttpAccess:
    """Mixed into :class:`~trailmark.store.http.HttpStore`; it needs only the store's transport."""

    _transport: Transport
    project: str
    clock: Clock

    def add_user(self, name: str) -> User:
        return _record(User, self._transport.request("POST", "/users", json={"name": name}))

    def users(self) -> list[User]:
        return [_record(User, u) for u in self._transport.request("GET", "/users")]

    def create_token(self, user: str, *, expires: str | timedelta | None = None) -> IssuedToken:
        if isinstance(expires, timedelta):
            expires = f"{max(1, int(expires.total_seconds()))}s"
        body = {"user": user, "expires": expires}
        return _record(IssuedToken, self._transport.request("POST", "/tokens", json=body))

    def revoke_token(self, token: str) -> TokenInfo:
        """Revoke a token given by its id or by the token itself (only its id is sent)."""
        token_id = token.split("_", 2)[1] if token.startswith("tm_") and token.count("_") >= 2 else token
        found = self._transport.request("POST", f"/tokens/{quote(token_id, safe='')}/revoke")
        return _record(TokenInfo, found)

    def tokens(self, *, user: str | None = None) -> list[TokenInfo]:
        params = {"user": user} if user is not None else None
        return [_record(TokenInfo, t) for t in self._transport.request("GET", "/tokens", params=params)]

    def authenticate(self, token: str | None) -> Principal:
        """The user ``token`` belongs to, with their roles (AuthenticationError if it is not valid)."""
        found = self._transport.request("POST", "/auth/principal", json={"token": token})
        return Principal(found["user"], {project: Role(role) for project, role in found["roles"].items()})

    def auth_required(self) -> bool:
        """Whether the server asks for tokens (a caller it refuses learns that it does)."""
        try:
            return bool(self._transport.request("GET", "/auth")["required"])
        except AuthenticationError:
            return True

    @staticmethod
    def authorize(principal: Principal, project: str, needed: Role | str) -> None:
        """Raise PermissionDeniedError unless ``principal`` has ``needed`` or more in ``project``."""
        authorize(principal, project, needed)

    def add_project(self, name: str) -> str:
        found: dict[str, str] = self._transport.request("PUT", f"/projects/{quote(name, safe='')}")
        return found["name"]

    def projects(self) -> list[str]:
        return list(self._transport.request("GET", "/projects"))

    def retention_candidates(self, *, older_than: str | timedelta, type: str | None = None) -> list[Artifact]:
        if isinstance(older_than, timedelta):
            older_than = f"{max(1, int(older_than.total_seconds()))}s"
        params = {"older_than": older_than, **({"type": type} if type is not None else {})}
        return [from_dict(Artifact, a) for a in self._transport.request("GET", "/retention", params=params)]

    def for_project(self, project: str, *, actor: str | None = None, create: bool = False) -> HttpStore:
        """A client of the same server in ``project`` (a new connection; close it when done).

        Over HTTP the token names the actor, so ``actor`` must be left out. Raises
        NotFoundError for an unknown project unless ``create``.
        """
        if actor is not None:
            raise ValidationError("over HTTP the token says who acts: connect with that user's token instead of actor=")
        if not create:
            self._transport.request("GET", f"/projects/{quote(project, safe='')}")
        host = cast("type[HttpStore]", type(self))  # the class this is mixed into
        return host(self._transport.base_url, project=project, token=self._transport.token,
                    timeout=self._transport.timeout, clock=self.clock)


def _record(cls: type[T], data: dict[str, Any]) -> T:
    """A governance record from its JSON form: ISO texts become datetimes in datetime fields."""
    fields = {f.name: str(f.type) for f in dataclasses.fields(cls)}  # type: ignore[arg-type]  # cls is a dataclass
    values = {k: v for k, v in data.items() if k in fields}
    for name, value in values.items():
        if "datetime" in fields[name] and isinstance(value, str):
            values[name] = datetime.fromisoformat(value)
    return cls(**values)
