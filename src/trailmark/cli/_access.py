"""``users``, ``tokens``, ``projects`` and ``members``: who may use the server, and how."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from trailmark.cli._app import open_store
from trailmark.cli._render import console, when
from trailmark.errors import TrailmarkError
from trailmark.governance import Role

users = typer.Typer(help="Users of the server.", no_args_is_help=True)
tokens = typer.Typer(help="API tokens (bearer tokens for the server).", no_args_is_help=True)
projects = typer.Typer(help="Projects: namespaces and the unit of access control.", no_args_is_help=True)
members = typer.Typer(help="Members of projects and their roles.", no_args_is_help=True)


@users.command("add")
def add_user(name: Annotated[str, typer.Argument(help="The user's name.")]) -> None:
    """Add a user. In Python: store.add_user(NAME)."""
    with open_store() as store:
        user = store.add_user(name)
    console.print(f"user {user.name} added; give them a token: trailmark tokens create --user {user.name}")


@users.command("disable")
def disable_user(name: Annotated[str, typer.Argument(help="The user's name.")]) -> None:
    """Disable a user: every token of theirs is refused from the next request. In Python: store.disable_user(NAME)."""
    with open_store() as store:
        store.disable_user(name)
    console.print(f"user {name} disabled; their tokens are refused")


@users.command("list")
def list_users() -> None:
    """List users. In Python: store.users()."""
    with open_store() as store:
        for user in store.users():
            console.print(user.name + (" (disabled)" if user.disabled_at else ""), markup=False)


@tokens.command("create")
def create_token(
    user: Annotated[str, typer.Option("--user", help="Whose token it is.")],
    expires: Annotated[
        str | None, typer.Option("--expires", help="Lifetime such as 30d or 12h (default: never).")
    ] = None,
) -> None:
    """Create a token for a user; it is shown once. In Python: store.create_token(USER, expires=...)."""
    with open_store() as store:
        issued = store.create_token(user, expires=expires)
    console.print(issued.token, markup=False)
    until = f", expires {when(issued.expires_at)} UTC" if issued.expires_at else ""
    typer.echo(f"token id {issued.id} for {issued.user}{until}; this is the only time the token is shown", err=True)


@tokens.command("revoke")
def revoke_token(
    token: Annotated[
        str | None, typer.Argument(help="The token itself, or its id (from `tokens list`).")
    ] = None,
    user: Annotated[str | None, typer.Option("--user", help="Revoke every token of this user instead.")] = None,
) -> None:
    """Revoke a token (given whole or by id), or every token of a user.

    In Python: store.revoke_token(TOKEN_OR_ID), store.revoke_tokens(USER).
    """
    if (token is None) == (user is None):
        raise TrailmarkError("name a token (or its id), or --user NAME, but not both")
    with open_store() as store:
        if user is not None:
            revoked = store.revoke_tokens(user)
            console.print(f"{len(revoked)} token(s) of {user} revoked")
            return
        assert token is not None
        info = store.revoke_token(token)
    console.print(f"token {info.id} of {info.user} revoked")


@tokens.command("list")
def list_tokens(user: Annotated[str | None, typer.Option("--user", help="Only this user's tokens.")] = None) -> None:
    """List tokens (ids, owners, expiry; never the secrets). In Python: store.tokens()."""
    with open_store() as store:
        found = store.tokens(user=user)
    table = Table()
    for column in ("id", "user", "created", "expires", "revoked"):
        table.add_column(column)
    for t in found:
        table.add_row(t.id, t.user, when(t.created_at), when(t.expires_at), when(t.revoked_at))
    console.print(table)


@projects.command("add")
def add_project(name: Annotated[str, typer.Argument(help="The project's name.")]) -> None:
    """Create a project. In Python: store.add_project(NAME)."""
    with open_store() as store:
        store.add_project(name)
    console.print(f"project {name} ready")


@projects.command("list")
def list_projects() -> None:
    """List projects. In Python: store.projects()."""
    with open_store() as store:
        for name in store.projects():
            console.print(name, markup=False)


@members.command("add")
def add_member(
    project: Annotated[str, typer.Argument(help="The project.")],
    user: Annotated[str, typer.Argument(help="The user.")],
    role: Annotated[Role, typer.Option("--role", help="viewer (read), editor (write) or admin (members, purge).")],
) -> None:
    """Give a user a role in a project (replacing any earlier one). In Python: store.add_member(PROJECT, USER, ROLE)."""
    with open_store() as store:
        member = store.add_member(project, user, role)
    console.print(f"{member.user} is {member.role.value} of {member.project}")


@members.command("remove")
def remove_member(
    project: Annotated[str, typer.Argument(help="The project.")],
    user: Annotated[str, typer.Argument(help="The user.")],
) -> None:
    """Take a user's role in a project away. In Python: store.remove_member(PROJECT, USER)."""
    with open_store() as store:
        member = store.remove_member(project, user)
    console.print(f"{member.user} is no longer {member.role.value} of {member.project}")


@members.command("list")
def list_members(project: Annotated[str | None, typer.Argument(help="Only this project.")] = None) -> None:
    """List members and roles. In Python: store.members(PROJECT)."""
    with open_store() as store:
        found = store.members(project)
    table = Table()
    for column in ("project", "user", "role"):
        table.add_column(column)
    for m in found:
        table.add_row(m.project, m.user, m.role.value)
    console.print(table)
