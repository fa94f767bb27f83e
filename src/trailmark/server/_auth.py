"""Access control on the REST API: who calls (a bearer token), and what they may do in a project.

A server whose store has no users is open, with every caller anonymous and allowed
everything (one person on localhost); ``TRAILMARK_AUTH=required`` (``trailmark server
--auth required``) closes it anyway. Once any user exists, every route needs
``Authorization: Bearer <token>``: a viewer of a project reads it, an editor also writes,
an admin also manages members, classifies, reveals and purges. A missing or bad token is
401, a role too low is 403, both as ``{"error": {"code", "message"}}``.
"""

from __future__ import annotations

import os

from fastapi import Request

from trailmark.governance import Principal, Role, authorize

AUTH_ENV = "TRAILMARK_AUTH"
REVEAL_ENV = "TRAILMARK_REVEAL_ROLE"
ANONYMOUS = "anonymous"


def enabled(request: Request) -> bool:
    """Whether this server asks for tokens: forced by ``$TRAILMARK_AUTH``, else once users exist."""
    if os.environ.get(AUTH_ENV, "").strip().lower() == "required":
        return True
    state = request.app.state
    if getattr(state, "auth_enabled", False):
        return True
    found: bool = state.store.auth_required()
    state.auth_enabled = found  # users are never deleted: once on, it stays on without asking again
    return found


def identify(request: Request, token: str | None) -> str:
    """The caller's name; their principal is kept on the request for :func:`require`.

    Raises:
        AuthenticationError: tokens are required and ``token`` is missing or not valid.
    """
    if not enabled(request):
        request.state.principal = None
        return ANONYMOUS
    principal: Principal = request.app.state.store.authenticate(token)
    request.state.principal = principal
    return principal.user


def reveal_role() -> Role:
    """Who may decrypt sensitive values: admins, or editors too with ``TRAILMARK_REVEAL_ROLE=editor``."""
    role = Role.parse(os.environ.get(REVEAL_ENV) or Role.ADMIN)
    return Role.ADMIN if role is Role.VIEWER else role  # reading a secret is never a viewer's right


def role_in(request: Request, project: str) -> Role | None:
    """The caller's role in ``project``; None on an open server, where every caller may read everything."""
    principal: Principal | None = getattr(request.state, "principal", None)
    return None if principal is None else principal.role(project)


def require(request: Request, project: str, role: Role) -> None:
    """Raise PermissionDeniedError unless the caller holds ``role`` in ``project`` (anyone, on an open server)."""
    principal = getattr(request.state, "principal", None)
    if principal is not None:
        authorize(principal, project, role)
