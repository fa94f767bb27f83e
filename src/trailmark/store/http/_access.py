"""HttpStore's users, tokens and projects part: the routes of ``trailmark.server.routes.access``.

The server decides who may do what (see that module); a refusal comes back as the
PermissionDeniedError or AuthenticationError the embedded store would raise.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING
from urllib.parse import quote

from trailmark.entities import Artifact, from_dict
from trailmark.errors import AuthenticationError
from trailmark.governance import IssuedToken, Principal, Role, TokenInfo, User

if TYPE_CHECKING:
    from trailmark.store.http._transport import Transport


class HttpAccess:
    """Users, tokens and projects, through the transport it is handed; HttpStore delegates."""

    def __init__(self, transport: Transport) -> None:
        self.transport = transport

    def add_user(self, name: str) -> User:
        return from_dict(User, self.transport.request("POST", "/users", json={"name": name}))

    def users(self) -> list[User]:
        return [from_dict(User, u) for u in self.transport.request("GET", "/users")]

    def create_token(self, user: str, *, expires: str | timedelta | None = None) -> IssuedToken:
        if isinstance(expires, timedelta):
            expires = _duration(expires)
        body = {"user": user, "expires": expires}
        return from_dict(IssuedToken, self.transport.request("POST", "/tokens", json=body))

    def revoke_token(self, token: str) -> TokenInfo:
        """Revoke a token given by its id or by the token itself (only its id is sent)."""
        token_id = token.split("_", 2)[1] if token.startswith("tm_") and token.count("_") >= 2 else token
        found = self.transport.request("POST", f"/tokens/{quote(token_id, safe='')}/revoke")
        return from_dict(TokenInfo, found)

    def tokens(self, *, user: str | None = None) -> list[TokenInfo]:
        params = {"user": user} if user is not None else None
        return [from_dict(TokenInfo, t) for t in self.transport.request("GET", "/tokens", params=params)]

    def authenticate(self, token: str | None) -> Principal:
        """The user ``token`` belongs to, with their roles (AuthenticationError if it is not valid)."""
        found = self.transport.request("POST", "/auth/principal", json={"token": token})
        return Principal(found["user"], {project: Role(role) for project, role in found["roles"].items()})

    def auth_required(self) -> bool:
        """Whether the server asks for tokens (a caller it refuses learns that it does)."""
        try:
            return bool(self.transport.request("GET", "/auth")["required"])
        except AuthenticationError:
            return True

    def add_project(self, name: str) -> str:
        found: dict[str, str] = self.transport.request("PUT", f"/projects/{quote(name, safe='')}")
        return found["name"]

    def projects(self) -> list[str]:
        return list(self.transport.request("GET", "/projects"))

    def retention_candidates(self, *, older_than: str | timedelta, type: str | None = None) -> list[Artifact]:
        if isinstance(older_than, timedelta):
            older_than = _duration(older_than)
        params = {"older_than": older_than, **({"type": type} if type is not None else {})}
        return [from_dict(Artifact, a) for a in self.transport.request("GET", "/retention", params=params)]


def _duration(delta: timedelta) -> str:
    """A timedelta as the duration text the server reads (whole seconds, at least one)."""
    return f"{max(1, int(delta.total_seconds()))}s"
