"""Editing a paper's note in a modal text editor (``ctrl+s`` saves, ``escape`` asks).

A changed note is never thrown away silently: ``escape`` asks Save / Discard / Keep
editing, and what is typed is kept as a draft in the data dir (``readq.drafts``) about
once a second while typing, and on every way out (signals, crash, exit), until it is
saved or discarded on purpose.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Static, TextArea

from readq.drafts import DraftWriter
from readq.tui.queue import display_text

DRAFT_EVERY = 1.0
"""Seconds: while typing, the draft is written at most this often."""


class NoteEditor(ModalScreen[str | None]):
    """Returns the new note text, or None when nothing is to be saved.

    ``note`` is the note as it is now; ``text`` what the editor starts with (a restored
    draft, else the note); ``base`` the note the edit started from (what saving expects
    to find on disk, see ``Library.set_note``).
    """

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "cancel", "Cancel", priority=True),
    ]

    def __init__(
        self,
        paper_id: str,
        title: str,
        note: str,
        *,
        text: str | None = None,
        base: str | None = None,
        drafts: DraftWriter | None = None,
    ) -> None:
        super().__init__()
        self.paper_id = paper_id
        self.paper_title = title
        self.initial = note
        self.start_text = note if text is None else text
        self.base = note if base is None else base
        self.drafts = drafts
        self._draft_timer: Timer | None = None
        self._kept = self.start_text  # what the draft file holds (or the note itself)

    def compose(self) -> ComposeResult:
        with Vertical(id="note-dialog", classes="dialog"):
            yield Static(Text("Note", style="bold"), classes="dialog-title")
            yield Static(
                Text(display_text(self.paper_title), style="italic"),
                id="note-paper",
                classes="dialog-subtitle",
            )
            yield TextArea(self.start_text, id="note-text", soft_wrap=True, tab_behavior="indent")
            yield Static(
                Text.assemble(("ctrl+s", "bold"), " save   ", ("escape", "bold"), " close"),
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        self.set_focus(area)  # at once: ``focus()`` waits a turn and loses typed keys
        area.move_cursor(area.document.end)

    def type_ahead(self, text: str) -> bool:
        """A key typed right after ``n``, already on its way to the list: it belongs in
        the note (see ``readq.tui.typeahead``)."""
        self.query_one(TextArea).insert(text)
        return True

    @property
    def text(self) -> str:
        areas = self.query(TextArea)
        return areas.first().text if areas else self.start_text

    @property
    def changed(self) -> bool:
        return self.text != self.initial

    # -- drafts --------------------------------------------------------------------------

    @on(TextArea.Changed)
    def _typed(self) -> None:
        if self._draft_timer is None and self.drafts is not None:
            self._draft_timer = self.set_timer(DRAFT_EVERY, self._write_draft)

    def _write_draft(self) -> None:
        """Keep what is typed (on the drafts thread; at most once per DRAFT_EVERY)."""
        self._draft_timer = None
        text = self.text
        if self.drafts is None or text == self._kept:
            return
        self._kept = text
        self.drafts.save(self.paper_id, text, self.base)

    def keep_draft_now(self) -> bool:
        """Signals, crashes and exit: the draft on disk before returning. True if there
        was something to keep and it was kept."""
        if self.drafts is None or not self.changed:
            return False
        self._kept = self.text
        return self.drafts.save_now(self.paper_id, self._kept, self.base)

    def _stop_drafting(self) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None

    # -- leaving -------------------------------------------------------------------------

    def action_save(self) -> None:
        """The draft stays until the note is saved (the caller deletes it then)."""
        self._stop_drafting()
        if self.drafts is not None and self.changed and self.text != self._kept:
            self._kept = self.text
            self.drafts.save(self.paper_id, self._kept, self.base)
        self.dismiss(self.text)

    def action_cancel(self) -> None:
        if not self.changed:
            self._discard()
            return
        from readq.tui.screens.confirm import ChoiceScreen

        def answered(choice: str | None) -> None:
            if choice == "save":
                self.action_save()
            elif choice == "discard":
                self._discard()
            else:
                self.set_focus(self.query_one(TextArea))

        self.app.push_screen(
            ChoiceScreen(
                "This note has changes that are not saved",
                "Save them, throw them away, or go back to the note?",
                [
                    ("s", "Save", "save"),
                    ("d", "Discard", "discard"),
                    ("escape", "Keep editing", "keep"),
                ],
                default="keep",
            ),
            answered,
        )

    def _discard(self) -> None:
        self._stop_drafting()
        if self.drafts is not None:
            self.drafts.delete(self.paper_id)
        self.dismiss(None)
