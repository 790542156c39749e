"""Who is acting: the operator context every service call carries (SEC-2)."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.permissions import ALL_PERMISSIONS
from app.errors import PermissionDeniedError


@dataclass(frozen=True)
class Actor:
    operator_id: int | None
    login: str
    permissions: frozenset[str]
    building_ids: frozenset[int] | None = None  # None = every building

    @staticmethod
    def system(login: str = "system") -> Actor:
        """The actor of scheduled jobs and admin CLI commands (every permission)."""
        return Actor(None, login, ALL_PERMISSIONS, None)

    def require(self, permission: str) -> None:
        if permission not in self.permissions:
            raise PermissionDeniedError(self.login, permission)

    def may_see_building(self, building_id: int) -> bool:
        return self.building_ids is None or building_id in self.building_ids
