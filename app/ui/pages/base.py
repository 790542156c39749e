"""What every page of the main window gets and provides."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from app.services import Services
from app.services.context import Actor
from app.ui.tasks import TaskRunner


@dataclass(frozen=True)
class PageContext:
    """The page's view of the application: services (called only through ``tasks.run_op``),
    the logged-in operator, and their display name."""

    services: Services
    actor: Actor
    tasks: TaskRunner
    operator_name: str = ""
    role_name: str = ""

    def may(self, permission: str) -> bool:
        return permission in self.actor.permissions


class Page(QWidget):
    """A page on the right of the navigation. ``refresh`` reloads its data from the services; the
    main window calls it each time the page is shown."""

    def __init__(self, ctx: PageContext) -> None:
        super().__init__()
        self.ctx = ctx

    def refresh(self) -> None:
        """Reload the page's data (off the GUI thread, through ``ctx.tasks.run_op``)."""
