"""Who someone is in the console: account id, name, role and departments, from the database
only — never from a request's payload."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handoff.db.models import AgentDepartment, User

ROLES = ("agent", "supervisor", "editor", "admin")
CONSOLE_ROLES = frozenset({"agent", "supervisor", "admin"})
SUPERVISOR_ROLES = frozenset({"supervisor", "admin"})


@dataclass(frozen=True)
class Identity:
    user_id: int
    username: str
    display_name: str
    role: str
    departments: tuple[str, ...]
    max_chats: int

    @property
    def is_supervisor(self) -> bool:
        return self.role in SUPERVISOR_ROLES

    @classmethod
    def of(cls, user: User, departments: tuple[str, ...]) -> Identity:
        return cls(user.id, user.username, user.display_name, user.role, tuple(sorted(departments)), user.max_chats)


async def identity_of(session: AsyncSession, user: User) -> Identity:
    departments = (
        await session.scalars(select(AgentDepartment.department).where(AgentDepartment.user_id == user.id))
    ).all()
    return Identity.of(user, tuple(departments))
