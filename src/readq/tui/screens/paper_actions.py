"""Actions on one paper or the library from the main screen: notes, add papers, fetch
today's papers, export (open and copy: :mod:`~readq.tui.screens.outside`)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from pathlib import Path

from textual import work
from textual.app import SuspendNotSupported

from readq.drafts import DraftWriter, load_draft
from readq.errors import ReadqError
from readq.library import Change, ImportReport
from readq.models import Paper
from readq.text import plural
from readq.tui.queue import default_export_path, display_text
from readq.tui.screens.outside import OutsideActions
from readq.tui.widgets.status_line import StatusLine


class PaperActions(OutsideActions):
    """The actions that open dialogs or other programs (bound in ``keymap``)."""

    # -- notes ---------------------------------------------------------------------------

    @property
    def drafts(self) -> DraftWriter:
        """Where unsaved note text is kept (one writer per screen, made on first use)."""
        writer: DraftWriter | None = getattr(self, "_drafts", None)
        if writer is None:
            writer = self._drafts = DraftWriter(self.session.library.store.root)
        return writer

    @property
    def leaving(self) -> bool:
        """The app is exiting: open nothing more (see ``ReadqApp.push_screen``)."""
        return bool(getattr(self.app, "_exit", False))

    def save_note(self, pid: str, text: str, expected: str) -> None:
        """Save a note as a compare-and-set against ``expected`` (the note the edit
        started from); the draft goes once it is saved, and stays if it is not."""

        def done(change: Change) -> None:
            self.drafts.delete(pid)
            if change.conflict:
                self.say("Note saved; another change to it was kept below.", timeout=6)
            else:
                self.say("Note saved.", timeout=2)

        changes = {pid: {"note": text}}
        fut = self.session.submit_update(changes, "note", expected={pid: expected})
        self.run_worker(self._finish_change(fut, changes, done), group="save", exit_on_error=False)

    def with_draft(self, pid: str, edit: Callable[[str, str], None]) -> None:
        """Call ``edit(text, base)``: the note, or the draft kept for it if the user
        restores it (a dialog offers it: restore / discard)."""
        current = self.session.effective(pid, "note")
        try:
            draft = load_draft(self.drafts.data_dir, pid)
        except OSError:
            draft = None
        if draft is None or draft.text == current:
            edit(current, current)
            return
        from readq.tui.screens.confirm import ChoiceScreen

        def answered(choice: str | None) -> None:
            if choice == "restore":
                edit(draft.text, current if draft.base is None else draft.base)
            elif choice == "discard":
                self.drafts.delete(pid)
                edit(current, current)

        first = next((line for line in draft.text.splitlines() if line.strip()), "(empty)")
        self.app.push_screen(
            ChoiceScreen(
                "An unsaved draft of this note was kept",
                f"From {draft.when}: {display_text(first)[:70]}",
                [
                    ("r", "Restore", "restore"),
                    ("d", "Discard", "discard"),
                    ("escape", "Cancel", ""),
                ],
                default="restore",
            ),
            answered,
        )

    def action_edit_note(self) -> None:
        pid = self.paper_list.highlighted
        if pid is None or self.leaving:
            return
        from readq.tui.screens.note_editor import NoteEditor

        title = self.session.library.entries[pid].title

        def edit(text: str, base: str) -> None:
            current = self.session.effective(pid, "note")

            def saved(result: str | None) -> None:
                if result is None:
                    return
                if result == base and base == current:
                    self.drafts.delete(pid)
                    return
                self.save_note(pid, result, base)

            editor = NoteEditor(pid, title, current, text=text, base=base, drafts=self.drafts)
            self.app.push_screen(editor, saved)

        self.with_draft(pid, edit)

    def action_edit_note_external(self) -> None:
        pid = self.paper_list.highlighted
        if pid is None or self.leaving:
            return
        from readq.editor import editor_command

        try:
            editor_command()
        except ReadqError as err:
            self.say(str(err), severity="error", timeout=6)
            return

        def edit(text: str, base: str) -> None:
            current = self.session.effective(pid, "note")
            result = self._edit_outside(pid, text, base)
            if result is None:
                return
            if result == base and base == current:
                self.drafts.delete(pid)
                return
            self.save_note(pid, result, base)

        self.with_draft(pid, edit)

    def _edit_outside(self, pid: str, text: str, base: str) -> str | None:
        """The note as the editor left it; None (and said why) when it failed."""
        from readq.editor import edit_note

        try:
            with self.app.suspend():
                result = edit_note(self.drafts.data_dir, pid, text, base)
        except SuspendNotSupported:
            self.say(
                "This terminal cannot hand over to an editor; use n instead.", severity="error"
            )
            return None
        except ReadqError as err:
            self.say(str(err), severity="error", timeout=6)
            return None
        except OSError as err:
            self.say(f"Cannot edit the note: {err.strerror or err}", severity="error", timeout=6)
            return None
        if result is None:
            self.say(
                "The editor exited with an error; the note was not changed "
                "(what it wrote is kept: N offers it back).",
                severity="warning",
                timeout=6,
            )
        return result

    # -- add / export --------------------------------------------------------------------

    def action_add_papers(self) -> None:
        from readq.tui.screens.add_papers import AddPapersScreen

        def added(papers: list[Paper] | None) -> None:
            if papers:
                self.run_worker(self._import(papers), group="save", exit_on_error=False)

        self.app.push_screen(AddPapersScreen(self.session.library.entries), added)

    async def _import(self, papers: list[Paper]) -> None:
        report = await self.import_papers(papers, "import (pasted)")
        if report is None:
            return
        known = report.known + report.updated
        self.say(
            f"Added {plural(report.new, 'new paper')}"
            + (f"; {known:,} already known" if known else "")
            + ".",
            timeout=4,
        )

    async def import_papers(
        self, papers: list[Paper], label: str, fetched_day: dt.date | None = None
    ) -> ImportReport | None:
        """Import on the store thread, as one step of the shared history (``u`` undoes
        it), then show and index the new papers; None (and said why) when it failed."""
        future = self.session.submit_import(papers, label, fetched_day=fetched_day)
        try:
            report = await asyncio.wrap_future(future)
        except Exception as err:  # every failed save is shown, whatever the cause
            self.save_failed(err)
            return None
        self.catalog_changed(report.new_ids + report.changed_ids)
        return report

    # -- fetch today's papers ------------------------------------------------------------

    def action_fetch_today(self) -> None:
        if self.leaving:
            return
        if any(w.group == "fetch" and w.is_running for w in self.workers):
            self.say("Already fetching today's papers…", timeout=2)
            return
        self.query_one(StatusLine).activity = "fetching today's papers…"
        self._fetch_day(self.session.today())

    @work(thread=True, exclusive=True, group="fetch", exit_on_error=False, description="fetch")
    def _fetch_day(self, day: dt.date) -> None:
        """Download and parse one day of ``/api/daily_papers`` (network: on a thread)."""
        from readq.fetching import fetch_day
        from readq.listing.hf_api import parse_daily_papers

        try:
            data = fetch_day(day)
            result = parse_daily_papers(data, source=f"the listing of {day}")
            papers = [p.to_paper() for p in result.papers]
        except ReadqError as err:  # FetchError, ApiFormatError, a bad HF_ENDPOINT
            self.app.call_from_thread(self._fetch_failed, str(err))
            return
        self.app.call_from_thread(self._fetched, day, papers)

    def _fetch_failed(self, message: str) -> None:
        self.query_one(StatusLine).activity = ""
        self.say(f"Fetch failed: {message}", title="Nothing fetched", severity="error", timeout=8)

    def _fetched(self, day: dt.date, papers: list[Paper]) -> None:
        self.query_one(StatusLine).activity = "adding today's papers…" if papers else ""
        if not papers:
            self.say(f"Hugging Face lists no papers for {day} yet.", timeout=5)
            return
        self.run_worker(self._add_fetched(day, papers), group="save", exit_on_error=False)

    async def _add_fetched(self, day: dt.date, papers: list[Paper]) -> None:
        report = await self.import_papers(papers, "fetch (today)", day)
        self.query_one(StatusLine).activity = ""
        if report is None:
            return
        self.load_momentum()  # today's upvotes joined the history
        self.say(
            f"Fetched {plural(len(papers), 'paper')} for {day}: {report.new:,} new, "
            f"{report.updated:,} updated"
            + (f", {report.known:,} already known" if report.known else "")
            + ".",
            timeout=6,
        )

    def action_export(self) -> None:
        from readq.tui.screens.export import ExportScreen

        n = self.starred_count
        if n == 0:
            self.say("No starred papers to export yet: star some with s.", timeout=4)
            return
        default = default_export_path(self.session.today(), self.session.home)

        def chosen(path: Path | None) -> None:
            if path is not None:
                self.run_worker(self._export(path), group="save", exit_on_error=False)

        self.app.push_screen(ExportScreen(default, n), chosen)

    async def _export(self, path: Path) -> None:
        from readq.tui.export_job import export_starred

        try:
            count = await self.session.store.call(
                export_starred, self.session.library, path, self.session.today()
            )
        except (ReadqError, OSError) as err:
            message = str(err) if isinstance(err, ReadqError) else f"{err.strerror or err}"
            self.say(f"Export failed: {message}", severity="error", timeout=8)
            return
        self.say(f"Exported {plural(count, 'starred paper')} to {path}", timeout=6)
