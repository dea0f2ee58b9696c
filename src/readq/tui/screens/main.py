"""The main screen: view tabs, filter, paper list, details, footer.

The screen owns the state (view, sort, query, marks) and the background work (search,
store writes, polling); the widgets only show what they are given.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import gc
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import TYPE_CHECKING, Any, cast

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult, SuspendNotSupported
from textual.containers import Container
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Static
from textual.worker import get_current_worker

from readq.errors import ReadqError
from readq.export import hf_search_url
from readq.library import Change, ImportReport
from readq.models import DEFAULT_STATE, Paper
from readq.search.index import SearchResult
from readq.tui.keymap import bindings
from readq.tui.messages import AbstractLoaded, FilterResult, IndexProgress
from readq.tui.queue import (
    BULK_CONFIRM_OVER,
    VIEWS,
    Orders,
    counts,
    display_text,
    next_sort,
    plural,
    sort_label,
    web_links,
)
from readq.tui.typeahead import mark_for_type_ahead
from readq.tui.widgets.filter_bar import FilterBar, FilterInput
from readq.tui.widgets.paper_details import PaperDetails
from readq.tui.widgets.paper_list import PaperList
from readq.views import View, view_rows

if TYPE_CHECKING:
    from readq.tui.app import ReadqApp

DETAILS_WHILE_TYPING = 0.15  # seconds of typing pause before the details follow

WELCOME = """\
Welcome to readq: your reading queue is empty.

Add papers in any of these ways:

  •  press `a` here and paste a whole copied Hugging Face papers page
     (or type the path of a file that holds one)
  •  run `readq add FILE` in a terminal
  •  try the built-in sample library: `readq demo`

Then triage with `r` (read), `s` (star) and `n` (note).
Press `?` for every key, `q` to quit."""


def welcome_text() -> Text:
    """The welcome message with the `keys` in bold (our own text, not user text)."""
    out = Text()
    for i, part in enumerate(WELCOME.split("`")):
        out.append(part, "bold reverse" if i % 2 else None)
    return out


class MainScreen(Screen[None]):
    """The reading queue."""

    BINDINGS = bindings("screen")

    AUTO_FOCUS = "PaperList"

    def __init__(self) -> None:
        super().__init__()
        self.view = View.INBOX
        self.sort = "date"
        self.query_text = ""
        self._relevance = True
        self._base_rows: list[str] = []
        self._base_set: set[str] | None = None
        self._filter_gen = 0
        self._filter_result: SearchResult | None = None
        self._pending: dict[tuple[str, str], Any] = {}
        self._details_only = False
        self._titles_indexed = False
        self._abstracts_indexed = False
        self._counts: dict[View, int] = {}
        self._abstract_for: str | None = None
        self.last_error: str | None = None

    def say(self, message: str, **kwargs: Any) -> None:
        """A notification; messages may quote paths, links and titles: never markup."""
        self.notify(message, markup=False, **kwargs)

    @property
    def rq(self) -> ReadqApp:
        return cast("ReadqApp", self.app)

    # -- layout --------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        lib = self.rq.library
        yield Static(Text(""), id="header")
        yield FilterBar(id="filter-bar")
        with Container(id="body"):
            yield PaperList(lib.entries, lib.states, id="paper-list", today=self.rq.today)
            yield PaperDetails(id="details")
        yield Static(welcome_text(), id="welcome")
        yield Footer(compact=True)

    @property
    def paper_list(self) -> PaperList:
        return self.query_one(PaperList)

    @property
    def details(self) -> PaperDetails:
        return self.query_one(PaperDetails)

    @property
    def filter_input(self) -> FilterInput:
        return self.query_one(FilterInput)

    def on_mount(self) -> None:
        gc.freeze()  # the freshly loaded catalog is long-lived: see _build_index
        self.orders = Orders(self.rq.library.entries)
        self.refresh_view()
        self._update_layout()
        self._build_index()
        if self.rq.poll_interval > 0:
            self.set_interval(self.rq.poll_interval, self.poll_now)
        for warning in self.rq.library.warnings:
            self.say(warning, severity="warning")

    def on_resize(self, event: events.Resize) -> None:
        self._update_layout()
        self._update_header()

    def _update_layout(self) -> None:
        width, height = self.size
        empty = not self.rq.library.entries
        self.set_class(empty, "-empty")
        wide = width >= 110
        stacked = not wide and height >= 24
        shown = (wide or stacked) and not empty
        self.set_class(self._details_only, "-details-only")
        self.set_class(wide and not self._details_only, "-wide")
        self.set_class(stacked and not self._details_only, "-stacked")
        self.set_class(not shown and not self._details_only, "-details-hidden")

    @property
    def details_visible(self) -> bool:
        return not self.has_class("-details-hidden")

    # -- header and status ---------------------------------------------------------------

    def _update_header(self) -> None:
        width = self.size.width
        c = self._counts
        text = Text(no_wrap=True, overflow="ellipsis")
        if width >= 80:
            text.append(" readq ", "bold")
            text.append("│ ", "dim")
        for i, view in enumerate(VIEWS):
            if i:
                text.append("·" if width < 70 else " · ", "dim")
            label = f" {view.label} {c.get(view, 0):,} "
            if view is self.view:
                text.append(label, "bold reverse")
            else:
                text.append(label)
        if self._filter_active and self._relevance and self._filter_result is not None \
                and self._filter_result.ranked:
            sort_text = "by relevance"
        else:
            sort_text = sort_label(self.sort)
        right = Text(f"↓ {sort_text} ", style="dim")
        if self.rq.demo and width >= 90:
            right = Text("demo  ", style="bold italic") + right
        gap = width - text.cell_len - right.cell_len
        if gap >= 1:
            text.append(" " * gap)
            text.append_text(right)
        self.query_one("#header", Static).update(text, layout=False)

    def _update_status(self) -> None:
        shown = len(self.paper_list.rows)
        total = len(self._base_rows)
        parts: list[tuple[str, str]] = []
        if self._filter_active:
            if self._filter_pending:
                parts.append(("filtering…", "italic"))
            else:
                parts.append((f"{shown:,} of {total:,}", "bold"))
            result = self._filter_result
            if result is not None and result.errors:
                parts.append(("; ".join(result.errors), "red"))
        else:
            parts.append((plural(total, "paper"), ""))
        marked = len(self.paper_list.marked)
        if marked:
            parts.append((f"{marked:,} marked", "bold green"))
        if not self._titles_indexed:
            parts.append(("indexing…", "dim italic"))
        elif not self._abstracts_indexed:
            parts.append(("indexing abstracts…", "dim italic"))
        text = Text()
        for i, (part, style) in enumerate(parts):
            if i:
                text.append(" · ", "dim")
            text.append(part, style)
        self.query_one(FilterBar).set_status(text)

    # -- views ---------------------------------------------------------------------------

    @property
    def _filter_active(self) -> bool:
        return bool(self.query_text.strip())

    _filter_pending = False

    def refresh_view(self, *, keep: str | None = None) -> None:
        """Recompute the rows of the current view (and re-run the filter over them)."""
        lib = self.rq.library
        self._counts = counts(lib.entries, lib.states)
        self._base_rows = view_rows(self.orders.order(self.sort), lib.states, self.view)
        self._base_set = None
        if self._filter_active:
            self._start_filter(keep=keep)
        else:
            self.paper_list.set_rows(self._base_rows, keep=keep)
        self._update_header()
        self._update_status()
        self._update_layout()

    def action_view(self, name: str) -> None:
        view = View(name)
        if view is not self.view:
            self.view = view
            self.refresh_view()

    def action_next_view(self) -> None:
        self.action_view(VIEWS[(VIEWS.index(self.view) + 1) % len(VIEWS)].value)

    def action_previous_view(self) -> None:
        self.action_view(VIEWS[(VIEWS.index(self.view) - 1) % len(VIEWS)].value)

    def action_cycle_sort(self) -> None:
        if self._filter_active and self._relevance and self._filter_result is not None \
                and self._filter_result.ranked:
            self._relevance = False  # first S while filtering: the view's sort again
        else:
            self.sort = next_sort(self.sort)
        self.refresh_view()
        self.say(f"Sorted by {sort_label(self.sort)}", timeout=1.5)

    # -- filtering -----------------------------------------------------------------------

    def action_focus_filter(self) -> None:
        # At once (``focus()`` waits a turn): keys typed right after `/` are the query.
        self.set_focus(self.filter_input)

    def type_ahead(self, text: str) -> bool:
        """Keys typed in the same burst as ``/`` reached the list before the filter had
        the focus: they are the start of the query (see ``readq.tui.typeahead``)."""
        if self.app.focused is not self.filter_input:  # has_focus lags behind a burst
            return False
        self.filter_input.insert_text_at_cursor(text)
        return True

    def on_key(self, event: events.Key) -> None:
        mark_for_type_ahead(event)

    def on_paste(self, event: events.Paste) -> None:
        mark_for_type_ahead(event)

    def action_clear_filter(self) -> None:
        self.filter_input.value = ""
        self._set_query("")
        self.paper_list.focus()

    @on(Input.Changed, "#filter-input")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._set_query(event.value)

    def _set_query(self, value: str) -> None:
        if value == self.query_text:
            return
        self.query_text = value
        self._relevance = True
        if self._filter_active:
            self._start_filter()
        else:
            self._filter_gen += 1
            self._filter_result = None
            self._filter_pending = False
            self.paper_list.set_rows(self._base_rows)
            self._update_status()
            self._update_header()

    @on(Input.Submitted, "#filter-input")
    def _filter_submitted(self) -> None:
        self.paper_list.focus()

    @on(FilterInput.Done)
    def _filter_done(self, event: FilterInput.Done) -> None:
        if event.clear:
            self._set_query("")
        self.paper_list.focus()

    def _start_filter(self, keep: str | None = None) -> None:
        self._filter_gen += 1
        self._filter_pending = True
        if self._base_set is None:
            self._base_set = set(self._base_rows)
        self._keep_after_filter = keep
        lib = self.rq.library
        self._run_filter(self._filter_gen, self.query_text.strip(), self._base_rows,
                         self._base_set, lib.states.copy(), self._relevance)
        self._update_status()

    @work(thread=True, exclusive=True, group="filter", exit_on_error=False,
          description="filter")  # an explicit description: the default repr()s the
    # arguments, 100,000 ids of them (50 ms per keystroke)
    def _run_filter(self, gen: int, query: str, base: list[str], within: set[str],
                    states: Mapping[str, Any], relevance: bool) -> None:
        def cancelled() -> bool:
            return gen != self._filter_gen

        # Searching everything and intersecting here is cheaper than ``within=``
        # (which costs ~45 ms at 100k papers whatever the query).
        result = self.rq.index.search(query, states=states, cancelled=cancelled)
        if result.cancelled or cancelled():
            return
        if not (result.ranked and relevance):
            hits = set(result.ids)
            result.ids = [i for i in base if i in hits]
        elif len(within) != len(self.rq.index):
            result.ids = [i for i in result.ids if i in within]
        self.post_message(FilterResult(gen, query, result))

    @on(FilterResult)
    def _filter_result_in(self, message: FilterResult) -> None:
        if message.generation != self._filter_gen:
            return  # an older keystroke: never overwrite a newer result
        self._filter_pending = False
        self._filter_result = message.result
        keep = getattr(self, "_keep_after_filter", None)
        self.paper_list.set_rows(message.result.ids, keep=keep, query=message.query,
                                 spans=self.rq.index.title_spans)
        self._update_status()
        self._update_header()

    # -- search index --------------------------------------------------------------------

    @work(thread=True, group="index", exit_on_error=False, description="index")
    def _build_index(self) -> None:
        worker = get_current_worker()
        lib = self.rq.library
        index = self.rq.index
        index.add(list(lib.entries.values()))
        index.prepare()
        gc.freeze()
        self.post_message(IndexProgress(titles=True, abstracts=False))
        abstracts = lib.abstracts()
        index.add_abstracts(abstracts, cancelled=lambda: worker.is_cancelled)
        del abstracts
        index.prepare()
        # Millions of long-lived objects (catalog, abstracts, index): keep the cyclic
        # collector from rescanning them on every full collection (~100 ms pauses that
        # land in the middle of keystrokes).
        gc.freeze()
        if not worker.is_cancelled:
            self.post_message(IndexProgress(titles=True, abstracts=True))

    @on(IndexProgress)
    def _index_progress(self, message: IndexProgress) -> None:
        self._titles_indexed = message.titles
        self._abstracts_indexed = message.abstracts
        if self._filter_active:
            self._start_filter()
        self._update_status()
        if self._abstract_for is not None:
            self._show_details(self.paper_list.highlighted, keep_scroll=True)

    # -- details -------------------------------------------------------------------------

    @on(PaperList.Highlighted)
    def _highlighted(self, message: PaperList.Highlighted) -> None:
        # After the next repaint: the list (what the key changed) shows first, the
        # details pane (a relayout of a long abstract) follows a frame later.
        self._details_for = message.paper_id
        if self._details_timer is not None:
            self._details_timer.stop()
            self._details_timer = None
        if self.filter_input.has_focus:
            # While typing a filter the top match changes on every key: the details
            # follow when the typing pauses, so they never slow the next keystroke.
            self._details_timer = self.set_timer(DETAILS_WHILE_TYPING,
                                                 self._details_after_refresh)
        else:
            self.call_after_refresh(self._details_after_refresh)

    _details_for: str | None = None
    _details_timer: Timer | None = None

    def _details_after_refresh(self) -> None:
        pid = self._details_for
        if pid != self._abstract_for or pid is None:
            self._show_details(pid)

    def _show_details(self, pid: str | None, *, keep_scroll: bool = False) -> None:
        lib = self.rq.library
        entry = lib.entries.get(pid) if pid else None
        state = lib.states.get(pid, DEFAULT_STATE) if pid else DEFAULT_STATE
        abstract = lib.cached_abstract(pid) if pid and entry is not None else None
        self.details.show(entry, state, abstract, keep_scroll=keep_scroll)
        self._abstract_for = pid
        if pid is not None and entry is not None and abstract is None:
            self._load_abstract(pid)

    @work(thread=True, exclusive=True, group="abstract", exit_on_error=False,
          description="abstract")
    def _load_abstract(self, pid: str) -> None:
        try:
            text = self.rq.library.abstract(pid)
        except (ReadqError, OSError):
            text = ""
        self.post_message(AbstractLoaded(pid, text))

    @on(AbstractLoaded)
    def _abstract_loaded(self, message: AbstractLoaded) -> None:
        if message.paper_id != self._abstract_for:
            return
        lib = self.rq.library
        self.details.show(lib.entries.get(message.paper_id),
                          lib.states.get(message.paper_id, DEFAULT_STATE), message.abstract,
                          keep_scroll=True)

    def action_details(self) -> None:
        if self.details.has_focus:
            self.action_back()
            return
        if self.paper_list.highlighted is None:
            return
        if not self.details_visible:
            self._details_only = True
            self._update_layout()
        self.details.focus()

    def action_back(self) -> None:
        if self.details.has_focus or self._details_only:
            self._details_only = False
            self._update_layout()
            self.paper_list.focus()
        elif self.paper_list.marked:
            self.action_clear_marks()
        elif self._filter_active:
            self.action_clear_filter()

    # -- changing state ------------------------------------------------------------------

    @property
    def starred_count(self) -> int:
        return self._counts.get(View.STARRED, 0)

    @property
    def undo_label(self) -> str:
        return self.rq.history.undo[-1].label if self.rq.history.undo else ""

    def _targets(self) -> list[str]:
        """Marked papers if any, else the highlighted one."""
        marked = self.paper_list.marked
        if marked:
            return [i for i in marked if i in self.rq.library.entries]
        pid = self.paper_list.highlighted
        return [pid] if pid is not None else []

    def _effective(self, pid: str, field: str) -> Any:
        key = (pid, field)
        if key in self._pending:
            return self._pending[key]
        return getattr(self.rq.library.states.get(pid, DEFAULT_STATE), field)

    def apply(self, changes: dict[str, dict[str, Any]], label: str, *,
              done: Callable[[Change], None] | None = None) -> concurrent.futures.Future[Change]:
        """Save ``changes`` on the store thread; update the screen from what was saved."""
        for pid, fields in changes.items():
            for name, value in fields.items():
                self._pending[(pid, name)] = value
        fut = self.rq.store.submit(self.rq.library.update, changes, label)
        self.run_worker(self._finish_change(fut, changes, done), group="save",
                        exit_on_error=False)
        return fut

    async def _finish_change(self, fut: concurrent.futures.Future[Change],
                             changes: Mapping[str, Mapping[str, Any]],
                             done: Callable[[Change], None] | None) -> None:
        try:
            change = await asyncio.wrap_future(fut)
        except (ReadqError, OSError) as err:
            self._clear_pending(changes)
            self._save_failed(err)
            return
        self._clear_pending(changes)
        self.rq.history.record(change)
        self.after_change(list(changes))
        if done is not None:
            done(change)

    def _clear_pending(self, changes: Mapping[str, Mapping[str, Any]]) -> None:
        for pid, fields in changes.items():
            for name, value in fields.items():
                if self._pending.get((pid, name)) == value:
                    del self._pending[(pid, name)]

    def _save_failed(self, err: BaseException) -> None:
        message = str(err) if isinstance(err, ReadqError) else f"{err.strerror or err}"
        self.last_error = message
        self.say(f"Not saved: {message}", title="Save failed", severity="error", timeout=8)
        self.poll_now()  # show what is on disk, nothing else
        self.refresh_view()

    def after_change(self, ids: Collection[str]) -> None:
        """Repaint after ``ids`` changed state: rows that left the view go, counts update."""
        lib = self.rq.library
        self._counts = counts(lib.entries, lib.states)
        rows = self.paper_list.rows
        small = len(ids) <= 16
        row_set: Collection[str] = rows if small else set(rows)
        gone: set[str] = set()
        arrived = False
        for pid in ids:
            admitted = pid in lib.entries and self.view.admits(lib.states.get(pid, DEFAULT_STATE))
            present = pid in row_set
            if present and not admitted:
                gone.add(pid)
            elif admitted and not present:
                arrived = True
        if arrived:
            self.refresh_view()
        elif gone:
            self._base_rows = [i for i in self._base_rows if i not in gone]
            self._base_set = None
            self.paper_list.set_rows([i for i in rows if i not in gone],
                                     query=self.query_text.strip() if self._filter_active else "",
                                     spans=self.rq.index.title_spans)
        else:
            self.paper_list.refresh_papers(ids)
        self._update_header()
        self._update_status()
        pid = self.paper_list.highlighted
        if pid in ids:
            self._show_details(pid, keep_scroll=True)

    def action_toggle_read(self) -> None:
        if self._toggle("read", single=("read", "unread"), bulk=("mark read", "mark unread"),
                        said=("marked read", "marked unread")):
            self.paper_list.action_cursor_down()

    def action_toggle_star(self) -> None:
        self._toggle("starred", single=("star", "unstar"), bulk=("star", "unstar"),
                     said=("starred", "unstarred"))

    def _toggle(self, field: str, *, single: tuple[str, str], bulk: tuple[str, str],
                said: tuple[str, str]) -> bool:
        """Toggle ``field`` on the marked papers (all set unless all already are), else
        on the highlighted one; True when it was the highlighted one. The pairs (set,
        cleared) name the change for undo, one paper or many, and the bulk message."""
        targets = self._targets()
        if not targets:
            return False
        if self.paper_list.marked:
            value = not all(self._effective(i, field) for i in targets)
            self.apply({i: {field: value} for i in targets}, bulk[0 if value else 1])
            self.paper_list.set_marked(set())
            self.say(f"{plural(len(targets), 'paper')} {said[0 if value else 1]} · u undoes",
                     timeout=3)
            return False
        pid = targets[0]
        value = not self._effective(pid, field)
        self.apply({pid: {field: value}}, single[0 if value else 1])
        return True

    def action_toggle_mark(self) -> None:
        pid = self.paper_list.highlighted
        if pid is None:
            return
        marked = set(self.paper_list.marked)
        marked.symmetric_difference_update({pid})
        self.paper_list.set_marked(marked)
        self.paper_list.action_cursor_down()
        self._update_status()

    def action_clear_marks(self) -> None:
        self.paper_list.set_marked(set())
        self._update_status()

    def action_mark_all_read(self) -> None:
        ids = [i for i in self.paper_list.rows
               if not self.rq.library.states.get(i, DEFAULT_STATE).read]
        if not ids:
            self.say("Every paper in this view is already read.")
            return
        what = "in this filtered view" if self._filter_active else f"in {self.view.label}"

        def go(confirmed: bool | None) -> None:
            if confirmed:
                self.apply({i: {"read": True} for i in ids}, f"mark {len(ids)} read")
                self.say(f"Marked {plural(len(ids), 'paper')} read · u undoes", timeout=4)

        if len(ids) > BULK_CONFIRM_OVER:
            from readq.tui.screens.confirm import ConfirmScreen

            self.app.push_screen(
                ConfirmScreen(f"Mark {plural(len(ids), 'paper')} {what} read?",
                              "You can undo it with u.", yes="Mark read"),
                go,
            )
        else:
            go(True)

    # -- undo / redo ---------------------------------------------------------------------

    def action_undo(self) -> None:
        history = self.rq.history
        if not history.undo:
            self.say("Nothing to undo.", timeout=2)
            return
        change = history.undo.pop()
        self.run_worker(self._undo_redo(change, undo=True), group="save", exit_on_error=False)

    def action_redo(self) -> None:
        history = self.rq.history
        if not history.redo:
            self.say("Nothing to redo.", timeout=2)
            return
        change = history.redo.pop()
        self.run_worker(self._undo_redo(change, undo=False), group="save", exit_on_error=False)

    async def _undo_redo(self, change: Change, *, undo: bool) -> None:
        lib = self.rq.library
        history = self.rq.history
        try:
            result = await self.rq.store.call(lib.undo if undo else lib.redo, change)
        except (ReadqError, OSError) as err:
            (history.undo if undo else history.redo).append(change)
            self._save_failed(err)
            return
        if undo:
            history.redo.append(change)
        else:
            history.undo.append(result)
        ids = change.ids
        keep = ids[0] if len(ids) == 1 else None
        self.refresh_view(keep=keep)
        if keep is not None and keep not in self.paper_list.rows:
            pass
        verb = "Undone" if undo else "Redone"
        self.say(f"{verb}: {change.label or 'change'}"
                    + (f" ({plural(len(ids), 'paper')})" if len(ids) > 1 else ""), timeout=2)

    # -- notes ---------------------------------------------------------------------------

    def action_edit_note(self) -> None:
        pid = self.paper_list.highlighted
        if pid is None:
            return
        from readq.tui.screens.note_editor import NoteEditor

        lib = self.rq.library
        entry = lib.entries[pid]
        current = self._effective(pid, "note")

        def saved(text: str | None) -> None:
            if text is not None and text != current:
                self.apply({pid: {"note": text}}, "note",
                           done=lambda c: self.say("Note saved.", timeout=2))

        self.app.push_screen(NoteEditor(pid, entry.title, current), saved)

    def action_edit_note_external(self) -> None:
        pid = self.paper_list.highlighted
        if pid is None:
            return
        from readq.editor import edit_text, editor_command

        try:
            editor_command()
        except ReadqError as err:
            self.say(str(err), severity="error", timeout=6)
            return
        current = self._effective(pid, "note")
        try:
            with self.app.suspend():
                text = edit_text(current)
        except SuspendNotSupported:
            self.say("This terminal cannot hand over to an editor; use n instead.",
                        severity="error")
            return
        except ReadqError as err:
            self.say(str(err), severity="error", timeout=6)
            return
        if text is None:
            self.say("The editor exited with an error; the note was not changed.",
                        severity="warning")
            return
        if text.rstrip("\n") != current:
            self.apply({pid: {"note": text}}, "note",
                       done=lambda c: self.say("Note saved.", timeout=2))

    # -- open / copy ---------------------------------------------------------------------

    def _links(self, pid: str) -> list[str]:
        entry = self.rq.library.entries[pid]
        return [hf_search_url(entry.title), *web_links(entry)]

    def action_open_paper(self) -> None:
        pid = self.paper_list.highlighted
        if pid is None:
            return
        links = self._links(pid)
        if len(links) == 1:
            self._open_url(links[0])
            return
        from readq.tui.screens.links import LinkPicker

        def chosen(url: str | None) -> None:
            if url:
                self._open_url(url)

        self.app.push_screen(LinkPicker(self.rq.library.entries[pid].title, links), chosen)

    def _open_url(self, url: str) -> None:
        self.app.open_url(url)
        self.say(f"Opening {url}", timeout=3)

    def action_copy_paper(self) -> None:
        pid = self.paper_list.highlighted
        if pid is None:
            return
        entry = self.rq.library.entries[pid]
        links = self._links(pid)
        link = links[1] if len(links) > 1 else links[0]
        self.app.copy_to_clipboard(f"{display_text(entry.title)}\n{link}")
        self.say("Copied the title and link.", timeout=2)

    # -- add / export --------------------------------------------------------------------

    def action_add_papers(self) -> None:
        from readq.tui.screens.add_papers import AddPapersScreen

        def added(papers: list[Paper] | None) -> None:
            if papers:
                self.run_worker(self._import(papers), group="save", exit_on_error=False)

        self.app.push_screen(AddPapersScreen(self.rq.library.entries), added)

    async def _import(self, papers: list[Paper]) -> None:
        lib = self.rq.library
        try:
            report: ImportReport = await self.rq.store.call(lib.import_papers, papers)
        except (ReadqError, OSError) as err:
            self._save_failed(err)
            return
        self._catalog_changed(report.new_ids + report.changed_ids)
        known = report.known + report.updated
        self.say(f"Added {plural(report.new, 'new paper')}"
                    + (f"; {known:,} already known" if known else "") + ".", timeout=4)

    def _catalog_changed(self, ids: Iterable[str]) -> None:
        lib = self.rq.library
        entries = [lib.entries[i] for i in ids if i in lib.entries]
        self.orders.invalidate()
        self.refresh_view()
        if entries:
            self._index_entries(entries)

    @work(thread=True, group="index-add", exit_on_error=False, description="index new")
    def _index_entries(self, entries: list[Any]) -> None:
        lib = self.rq.library
        index = self.rq.index
        index.add(entries)
        # through add_abstracts: a large import is tokenised in the helper processes
        index.add_abstracts({e.id: lib.abstract(e.id) for e in entries}, complete=False)
        self.post_message(IndexProgress(titles=True, abstracts=self.rq.index.abstracts_indexed))

    def action_export(self) -> None:
        from readq.tui.queue import default_export_path
        from readq.tui.screens.export import ExportScreen

        n = self.starred_count
        if n == 0:
            self.say("No starred papers to export yet: star some with s.", timeout=4)
            return
        default = default_export_path(self.rq.today(), self.rq.home)

        def chosen(path: Any) -> None:
            if path is not None:
                self.run_worker(self._export(path), group="save", exit_on_error=False)

        self.app.push_screen(ExportScreen(default, n), chosen)

    async def _export(self, path: Any) -> None:
        from readq.tui.export_job import export_starred

        try:
            count = await self.rq.store.call(export_starred, self.rq.library, path,
                                             self.rq.today())
        except (ReadqError, OSError) as err:
            message = str(err) if isinstance(err, ReadqError) else f"{err.strerror or err}"
            self.say(f"Export failed: {message}", severity="error", timeout=8)
            return
        self.say(f"Exported {plural(count, 'starred paper')} to {path}", timeout=6)

    # -- other processes -----------------------------------------------------------------

    def poll_now(self) -> None:
        if self.rq.store.pending > 2:
            return
        self.run_worker(self._poll(), group="poll", exclusive=True, exit_on_error=False)

    async def _poll(self) -> None:
        try:
            state_ids, catalog_ids = await self.rq.store.call(self.rq.library.poll)
        except (ReadqError, OSError) as err:
            message = str(err)
            if message != self.last_error:
                self.last_error = message
                self.say(message, severity="error", timeout=8)
            return
        if catalog_ids:
            self._catalog_changed(catalog_ids)
        elif state_ids:
            self.after_change(state_ids)
