"""Roles per project and the one rule that checks them."""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping

from trailmark.errors import PermissionDeniedError, ValidationError


class Role(str, enum.Enum):
    """What a member may do in a project; each role includes the ones before it."""

    VIEWER = "viewer"  # read
    EDITOR = "editor"  # write
    ADMIN = "admin"  # manage members, classify, reveal, purge

    def __str__(self) -> str:
        return self.value

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    @classmethod
    def parse(cls, value: str | Role) -> Role:
        try:
            return cls(str(value).lower())
        except ValueError as exc:
            raise ValidationError(f"invalid role {value!r}: expected viewer, editor or admin") from exc


@dataclasses.dataclass(frozen=True)
class Principal:
    """Who is calling: a user and their role in each project they belong to."""

    user: str
    roles: Mapping[str, Role] = dataclasses.field(default_factory=dict)

    def role(self, project: str) -> Role | None:
        return self.roles.get(project)


def authorize(principal: Principal, project: str, needed: Role | str) -> None:
    """Raise PermissionDeniedError unless ``principal`` holds ``needed`` (or more) in ``project``."""
    needed = Role.parse(needed)
    held = principal.role(project)
    if held is None:
        raise PermissionDeniedError(f"user {principal.user!r} is not a member of project {project!r}")
    if held.rank < needed.rank:
        raise PermissionDeniedError(
            f"user {principal.user!r} is {held.value} of project {project!r}; this needs {needed.value}"
        )
