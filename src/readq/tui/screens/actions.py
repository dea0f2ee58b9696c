"""Every action of the main screen in one class: triage, papers and reading comfort,
with the ones that act on the highlighted paper held back while a filter runs."""

from __future__ import annotations

from readq.tui.screens.index_keeping import IndexKeeping
from readq.tui.screens.paper_actions import PaperActions
from readq.tui.screens.reading import ReadingActions
from readq.tui.screens.triage import TriageActions


class QueueActions(TriageActions, PaperActions, ReadingActions, IndexKeeping):
    """The actions of :class:`~readq.tui.screens.main.MainScreen`."""

    # Keys typed right after a query act on its top match: see QueueScreen.when_filtered.

    def action_toggle_read(self) -> None:
        self.when_filtered(super().action_toggle_read)

    def action_toggle_star(self) -> None:
        self.when_filtered(super().action_toggle_star)

    def action_toggle_mark(self) -> None:
        self.when_filtered(super().action_toggle_mark)

    def action_edit_note(self) -> None:
        self.when_filtered(super().action_edit_note)

    def action_edit_note_external(self) -> None:
        self.when_filtered(super().action_edit_note_external)

    def action_open_paper(self) -> None:
        self.when_filtered(super().action_open_paper)

    def action_copy_paper(self) -> None:
        self.when_filtered(super().action_copy_paper)

    def action_details(self) -> None:
        self.when_filtered(super().action_details)

    def action_zoom(self) -> None:
        self.when_filtered(super().action_zoom)
