"""Users, tokens, projects and members in SQL; authenticating a bearer token."""

from __future__ import annotations

import hmac
from datetime import datetime

from sqlalchemy import Connection, delete, exists, select, update

from trailmark.errors import AuthenticationError, ConflictError, NotFoundError
from trailmark.governance import IssuedToken, Member, Principal, Role, TokenInfo, User, new_token, token_hash
from trailmark.store.sql._tables import members, projects, tokens, users
from trailmark.store.sql._upsert import upsert


def any_user(conn: Connection) -> bool:
    return bool(conn.execute(select(exists().select_from(users))).scalar())


def add_user(conn: Connection, name: str, *, actor: str, now: datetime) -> User:
    if conn.execute(select(users.c.id).where(users.c.name == name)).first():
        raise ConflictError(f"user {name!r} already exists")
    conn.execute(users.insert().values(name=name, created_at=now, created_by=actor))
    return User(name=name, created_at=now, created_by=actor)


def list_users(conn: Connection) -> list[User]:
    rows = conn.execute(select(users).order_by(users.c.name))
    return [User(name=r.name, created_at=r.created_at, created_by=r.created_by, disabled_at=r.disabled_at)
            for r in rows]


def disable_user(conn: Connection, name: str, *, now: datetime) -> User:
    """Refuse every token of ``name`` from now on (disabling twice is harmless)."""
    found = user_id(conn, name)
    conn.execute(update(users).where(users.c.id == found, users.c.disabled_at.is_(None)).values(disabled_at=now))
    (user,) = [u for u in list_users(conn) if u.name == name]
    return user


def user_id(conn: Connection, name: str) -> int:
    found = conn.execute(select(users.c.id).where(users.c.name == name)).scalar()
    if found is None:
        raise NotFoundError(f"no user {name!r}: add it with `trailmark users add {name}`")
    return int(found)


def project_id(conn: Connection, name: str) -> int:
    found = conn.execute(select(projects.c.id).where(projects.c.name == name)).scalar()
    if found is None:
        raise NotFoundError(f"no project {name!r}: add it with `trailmark projects add {name}`")
    return int(found)


def add_project(conn: Connection, name: str, *, now: datetime) -> bool:
    """Create a project; False when it already existed."""
    if conn.execute(select(projects.c.id).where(projects.c.name == name)).first():
        return False
    conn.execute(projects.insert().values(name=name, created_at=now))
    return True


def list_projects(conn: Connection) -> list[str]:
    return list(conn.execute(select(projects.c.name).order_by(projects.c.name)).scalars())


def set_member(conn: Connection, project: str, user: str, role: Role) -> Member:
    row = {"project_id": project_id(conn, project), "user_id": user_id(conn, user), "role": role.value}
    upsert(conn, members, row, keys=["project_id", "user_id"], update=["role"])
    return Member(project=project, user=user, role=role)


def remove_member(conn: Connection, project: str, user: str) -> Member:
    """Take ``user``'s role in ``project`` away; NotFoundError if they had none."""
    project_key, user_key = project_id(conn, project), user_id(conn, user)
    role = conn.execute(
        select(members.c.role).where(members.c.project_id == project_key, members.c.user_id == user_key)
    ).scalar()
    if role is None:
        raise NotFoundError(f"user {user!r} is not a member of project {project!r}")
    conn.execute(delete(members).where(members.c.project_id == project_key, members.c.user_id == user_key))
    return Member(project=project, user=user, role=Role(role))


def list_members(conn: Connection, project: str | None) -> list[Member]:
    query = (
        select(projects.c.name.label("project"), users.c.name.label("user"), members.c.role)
        .join(projects, projects.c.id == members.c.project_id)
        .join(users, users.c.id == members.c.user_id)
        .order_by(projects.c.name, users.c.name)
    )
    if project is not None:
        query = query.where(projects.c.name == project)
    return [Member(project=r.project, user=r.user, role=Role(r.role)) for r in conn.execute(query)]


def create_token(conn: Connection, user: str, *, expires_at: datetime | None, now: datetime) -> IssuedToken:
    owner = user_id(conn, user)
    token_id, token = new_token()
    conn.execute(
        tokens.insert().values(
            id=token_id, user_id=owner, hash=token_hash(token), created_at=now, expires_at=expires_at
        )
    )
    return IssuedToken(id=token_id, user=user, token=token, expires_at=expires_at)


def revoke_token(conn: Connection, token: str, *, now: datetime) -> TokenInfo:
    """Revoke a token given by its id or by the token itself (revoking twice is harmless)."""
    token = token.strip() if isinstance(token, str) else ""
    by = tokens.c.hash == token_hash(token) if token.startswith("tm_") else tokens.c.id == token
    found = conn.execute(select(tokens.c.id, tokens.c.revoked_at).where(by)).first()
    if found is None:
        what = "that token" if token.startswith("tm_") else f"no token with id {token!r}"
        raise NotFoundError(f"{what} is not known here: `trailmark tokens list` shows the ids")
    if found.revoked_at is None:
        conn.execute(tokens.update().where(tokens.c.id == found.id).values(revoked_at=now))
    (info,) = list_tokens(conn, token_id=found.id)
    return info


def revoke_user_tokens(conn: Connection, user: str, *, now: datetime) -> list[TokenInfo]:
    """Revoke every live token of ``user``; returns those revoked now."""
    owner = user_id(conn, user)
    live = list(conn.execute(
        select(tokens.c.id).where(tokens.c.user_id == owner, tokens.c.revoked_at.is_(None))).scalars())
    if live:
        conn.execute(tokens.update().where(tokens.c.id.in_(live)).values(revoked_at=now))
    return [t for t in list_tokens(conn, user=user) if t.id in live]


def list_tokens(conn: Connection, *, user: str | None = None, token_id: str | None = None) -> list[TokenInfo]:
    query = select(tokens, users.c.name.label("user")).join(users, users.c.id == tokens.c.user_id).order_by(
        tokens.c.created_at, tokens.c.id
    )
    if user is not None:
        query = query.where(users.c.name == user)
    if token_id is not None:
        query = query.where(tokens.c.id == token_id)
    return [
        TokenInfo(id=r.id, user=r.user, created_at=r.created_at, expires_at=r.expires_at, revoked_at=r.revoked_at)
        for r in conn.execute(query)
    ]


def authenticate(conn: Connection, token: str | None, *, now: datetime) -> Principal:
    """The user a bearer token belongs to, with their roles; AuthenticationError otherwise."""
    if not token or not token.strip():
        raise AuthenticationError("a bearer token is required: send 'Authorization: Bearer <token>'")
    digest = token_hash(token.strip())
    row = conn.execute(
        select(tokens.c.hash, tokens.c.expires_at, tokens.c.revoked_at, users.c.id, users.c.name,
               users.c.disabled_at)
        .join(users, users.c.id == tokens.c.user_id)
        .where(tokens.c.hash == digest)
    ).first()
    # The lookup is by hash; the comparison is repeated in constant time for good measure.
    if row is None or not hmac.compare_digest(row.hash, digest):
        raise AuthenticationError("the token is not valid: create one with `trailmark tokens create`")
    if row.revoked_at is not None:
        raise AuthenticationError("the token was revoked: create a new one with `trailmark tokens create`")
    if row.disabled_at is not None:
        raise AuthenticationError(f"user {row.name!r} is disabled: every token of theirs is refused")
    if row.expires_at is not None and row.expires_at <= now:
        raise AuthenticationError("the token has expired: create a new one with `trailmark tokens create`")
    roles = conn.execute(
        select(projects.c.name, members.c.role)
        .join(projects, projects.c.id == members.c.project_id)
        .where(members.c.user_id == row.id)
    )
    return Principal(user=row.name, roles={name: Role(role) for name, role in roles})
