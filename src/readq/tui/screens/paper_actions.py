"""Actions on one paper or the library from the main screen: notes, open, copy, add
papers, export."""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import SuspendNotSupported

from readq.errors import ReadqError
from readq.library import ImportReport
from readq.models import Entry, Paper
from readq.text import plural
from readq.tui.messages import IndexProgress
from readq.tui.queue import default_export_path, display_text
from readq.tui.screens.queue_screen import QueueScreen


class PaperActions(QueueScreen):
    """The actions that open dialogs or other programs (bound in ``keymap``)."""

    # -- notes ---------------------------------------------------------------------------

    def _note_saved(self, _change: object) -> None:
        self.say("Note saved.", timeout=2)

    def action_edit_note(self) -> None:
        pid = self.paper_list.highlighted
        if pid is None:
            return
        from readq.tui.screens.note_editor import NoteEditor

        entry = self.session.library.entries[pid]
        current = self.session.effective(pid, "note")

        def saved(text: str | None) -> None:
            if text is not None and text != current:
                self.apply({pid: {"note": text}}, "note", done=self._note_saved)

        self.app.push_screen(NoteEditor(pid, entry.title, current), saved)

    def action_edit_note_external(self) -> None:
        pid = self.paper_list.highlighted
        if pid is None:
            return
        from readq.editor import editor_command

        try:
            editor_command()
        except ReadqError as err:
            self.say(str(err), severity="error", timeout=6)
            return
        current = self.session.effective(pid, "note")
        text = self._edit_outside(current)
        if text is not None and text.rstrip("\n") != current:
            self.apply({pid: {"note": text}}, "note", done=self._note_saved)

    def _edit_outside(self, current: str) -> str | None:
        """The note as the editor left it; None (and said why) when it failed."""
        from readq.editor import edit_text

        try:
            with self.app.suspend():
                text = edit_text(current)
        except SuspendNotSupported:
            self.say(
                "This terminal cannot hand over to an editor; use n instead.", severity="error"
            )
            return None
        except ReadqError as err:
            self.say(str(err), severity="error", timeout=6)
            return None
        if text is None:
            self.say(
                "The editor exited with an error; the note was not changed.", severity="warning"
            )
        return text

    # -- open / copy ---------------------------------------------------------------------

    def action_open_paper(self) -> None:
        pid = self.paper_list.highlighted
        if pid is None:
            return
        links = self.session.links(pid)
        if len(links) == 1:
            self._open_url(links[0])
            return
        from readq.tui.screens.links import LinkPicker

        def chosen(url: str | None) -> None:
            if url:
                self._open_url(url)

        self.app.push_screen(LinkPicker(self.session.library.entries[pid].title, links), chosen)

    def _open_url(self, url: str) -> None:
        self.app.open_url(url)
        self.say(f"Opening {url}", timeout=3)

    def action_copy_paper(self) -> None:
        pid = self.paper_list.highlighted
        if pid is None:
            return
        entry = self.session.library.entries[pid]
        links = self.session.links(pid)
        link = links[1] if len(links) > 1 else links[0]
        self.app.copy_to_clipboard(f"{display_text(entry.title)}\n{link}")
        self.say("Copied the title and link.", timeout=2)

    # -- add / export --------------------------------------------------------------------

    def action_add_papers(self) -> None:
        from readq.tui.screens.add_papers import AddPapersScreen

        def added(papers: list[Paper] | None) -> None:
            if papers:
                self.run_worker(self._import(papers), group="save", exit_on_error=False)

        self.app.push_screen(AddPapersScreen(self.session.library.entries), added)

    async def _import(self, papers: list[Paper]) -> None:
        lib = self.session.library
        try:
            report: ImportReport = await self.session.store.call(lib.import_papers, papers)
        except (ReadqError, OSError) as err:
            self.save_failed(err)
            return
        self.catalog_changed(report.new_ids + report.changed_ids)
        known = report.known + report.updated
        self.say(
            f"Added {plural(report.new, 'new paper')}"
            + (f"; {known:,} already known" if known else "")
            + ".",
            timeout=4,
        )

    @work(thread=True, group="index-add", exit_on_error=False, description="index new")
    def index_entries(self, entries: list[Entry]) -> None:
        """Index papers new to the catalog, on a thread."""
        self.session.index_entries(entries)
        self.post_message(
            IndexProgress(titles=True, abstracts=self.session.index.abstracts_indexed)
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
