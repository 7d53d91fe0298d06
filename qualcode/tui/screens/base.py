"""What every workbench screen shares: typed access to the app and its dependencies."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.screen import Screen

from qualcode.services.project import Project
from qualcode.tui.saver import Saver

if TYPE_CHECKING:
    from qualcode.tui.app import QualcodeApp


class WorkbenchScreen(Screen[None]):
    @property
    def workbench(self) -> QualcodeApp:
        return cast("QualcodeApp", self.app)

    @property
    def project(self) -> Project:
        return self.workbench.project

    @property
    def coder(self) -> str:
        return self.workbench.coder

    @property
    def saver(self) -> Saver:
        return self.workbench.saver

    def warn_from_thread(self, error: Exception) -> None:
        """Show an error from a worker thread as a notification."""
        self.app.call_from_thread(self.notify, str(error), severity="error", timeout=6)
