"""Reading comfort on the main screen: where the detail pane sits and how big it is,
zooming it to the whole screen, and jumping between new papers."""

from __future__ import annotations

from readq.config import SPLIT_MAX, SPLIT_MIN
from readq.tui.screens.queue_screen import QueueScreen
from readq.tui.session import Session
from readq.tui.widgets.filter_bar import FilterBar

SPLIT_STEP = 5
"""``<`` / ``>`` move the split by this many percent."""
SIDE_LIST_MIN = 80
"""Side by side only when the list keeps this many columns (titles of 55+ characters)
and the pane :data:`SIDE_PANE_MIN`; else the pane goes below the list."""
SIDE_PANE_MIN = 50
STACKED_MIN_HEIGHT = 24
"""Shorter than this (and not side by side): the pane only shows when zoomed."""


def pane_place(width: int, height: int, split: int) -> str:
    """Where the detail pane goes: ``"side"``, ``"below"`` or ``"none"``. ``split`` is
    the list's share (percent) of the width, or of the height below."""
    list_width = width * split // 100
    if list_width >= SIDE_LIST_MIN and width - list_width >= SIDE_PANE_MIN:
        return "side"
    if height >= STACKED_MIN_HEIGHT:
        return "below"
    return "none"


class ReadingActions(QueueScreen):
    """Layout state (split, pane shown, zoom) and the actions that change it."""

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        settings = self.session.settings
        self.split = settings.split
        self.pane_wanted = settings.detail_visible
        self.zoomed = False

    @property
    def details_visible(self) -> bool:
        return not self.has_class("-details-hidden")

    def update_layout(self) -> None:
        width, height = self.size
        empty = not len(self.session.library)
        self.set_class(empty, "-empty")
        place = pane_place(width, height, self.split)
        zoomed = self.zoomed and not empty
        shown = place != "none" and self.pane_wanted and not empty
        self.set_class(zoomed, "-details-only")
        self.set_class(not zoomed and shown and place == "side", "-wide")
        self.set_class(not zoomed and shown and place == "below", "-stacked")
        self.set_class(not zoomed and not shown, "-details-hidden")
        details = self.details.styles
        if zoomed:
            details.width, details.height = "1fr", "1fr"
        elif place == "side":
            details.width, details.height = f"{100 - self.split}%", "1fr"
        else:
            details.width, details.height = "1fr", f"{100 - self.split}%"
        self.query_one(FilterBar).display = not zoomed

    def action_details(self) -> None:
        if self.details.has_focus:
            self.action_back()
            return
        if self.paper_list.highlighted is None:
            return
        if not self.details_visible:
            self.action_zoom()
            return
        self.details.focus()

    def action_back(self) -> None:
        if self.details.has_focus or self.zoomed:
            self.zoomed = False
            self.update_layout()
            self.paper_list.focus()
        elif self.paper_list.marked:
            self.action_clear_marks()
        elif self.filter_active:
            self.action_clear_filter()

    # -- actions -------------------------------------------------------------------------

    def action_zoom(self) -> None:
        """The detail pane full screen (focused), and back."""
        if self.zoomed:
            self.action_back()
            return
        if self.paper_list.highlighted is None:
            return
        self.zoomed = True
        self.update_layout()
        self.details.focus()

    def action_toggle_details(self) -> None:
        self.pane_wanted = not self.pane_wanted
        self.zoomed = False
        self.update_layout()
        if not self.pane_wanted:
            self.paper_list.focus()
        self._remember("detail_visible", self.pane_wanted)
        place = pane_place(*self.size, self.split)
        if self.pane_wanted and place == "none":
            self.say("The terminal is too small for the pane beside the list: z zooms it.")

    def action_narrower(self) -> None:
        self._resize(-SPLIT_STEP)

    def action_wider(self) -> None:
        self._resize(SPLIT_STEP)

    def _resize(self, step: int) -> None:
        split = max(SPLIT_MIN, min(SPLIT_MAX, self.split + step))
        if split == self.split:
            return
        self.split = split
        self.update_layout()
        self._remember("split", split)

    def _remember(self, key: str, value: object) -> None:
        if self.session.demo:
            return

        def failed(message: str) -> None:
            self.app.call_from_thread(self.say, f"Setting not saved: {message}", timeout=6)

        self.session.save_setting(key, value, failed)

    def action_next_new(self) -> None:
        self._jump_new(1)

    def action_previous_new(self) -> None:
        self._jump_new(-1)

    def _jump_new(self, step: int) -> None:
        rows = self.paper_list.rows
        is_new = self.session.is_new
        n = len(rows)
        start = self.paper_list.cursor
        for k in range(1, n + 1):
            i = start + step * k
            if not 0 <= i < n:
                break
            if is_new(rows[i]):
                self.paper_list.cursor = i
                return
        if self.session.new_count == 0:
            self.say("No new papers: they are new until your next session.", timeout=3)
        else:
            self.say(f"No new paper {'below' if step > 0 else 'above'} in this view.", timeout=2)
