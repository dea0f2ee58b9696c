"""The main screen: view tabs, filter, paper list, details, footer.

The screen wires the session to the widgets: it owns the view state (view, sort, query)
and the background work (search, polling), and sets what each widget shows; the
actions are in :mod:`~readq.tui.screens.triage` and
:mod:`~readq.tui.screens.paper_actions`.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Container
from textual.widgets import Footer, Input

from readq.models import DEFAULT_STATE, PaperState
from readq.search.index import SearchResult
from readq.tui.keymap import Command, bindings
from readq.tui.messages import FilterResult, IndexProgress
from readq.tui.queue import VIEWS, Orders, counts, next_sort, sort_label
from readq.tui.screens.actions import QueueActions
from readq.tui.session import Session
from readq.tui.typeahead import mark_for_type_ahead
from readq.tui.widgets.filter_bar import FilterBar, FilterInput, placeholder
from readq.tui.widgets.header import ViewHeader
from readq.tui.widgets.paper_details import PaperDetails
from readq.tui.widgets.paper_list import PaperList
from readq.tui.widgets.status_line import StatusLine
from readq.tui.widgets.welcome import Welcome
from readq.views import SORTS, View, ViewOrder, view_rows


class MainScreen(QueueActions):
    """The reading queue."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("screen")

    AUTO_FOCUS = "PaperList"

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        settings = session.settings
        self.view = View(settings.default_view)
        if settings.sort in SORTS:
            self.sort = settings.sort
        lib = session.library
        self.orders = Orders(lib.entries, session.new_since, lib.momenta, session.dates)
        self._relevance = True
        self._base_rows: list[str] = []
        self._base_set: set[str] | None = None
        self._base_order = ViewOrder([])
        self.filter_generation = 0
        """Bumped by every new query: results of older ones are dropped."""
        self.filter_pending = False
        self._filter_result: SearchResult | None = None
        self._keep_after_filter: str | None = None
        self._top_after_filter = False
        """The query changed: its result puts the cursor on the top match."""
        self._top_if_missing = False
        """The view changed: the result keeps the paper, else goes to the top."""
        # an index opened before the first paint searches everything from the start
        self.titles_indexed = session.index_opened
        self.abstracts_indexed = session.index_opened and session.index.abstracts_indexed

    # -- layout --------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        lib = self.session.library
        yield ViewHeader(demo=self.session.demo, id="header")
        yield FilterBar(id="filter-bar")
        with Container(id="body"):
            yield PaperList(
                lib.entries,
                lib.states,
                id="paper-list",
                today=self.session.today,
                new_since=self.session.new_since,
            )
            yield PaperDetails(lib, id="details", new_since=self.session.new_since)
        yield Welcome(id="welcome")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        gc.freeze()  # the freshly loaded catalog is long-lived: see Session.build_index
        self.refresh_view()
        self.update_layout()
        self._build_index()
        if self.session.poll_interval > 0:
            self.set_interval(self.session.poll_interval, self.poll_now)
        for text, severity in self.session.startup_messages():
            self.say(text, severity=severity)

    def on_resize(self, event: events.Resize) -> None:
        self.update_layout()
        self.filter_input.placeholder = placeholder(self.filter_input.size.width)
        footer, wide = self.query_one(Footer), event.size.width >= 80
        if footer.show_command_palette != wide:  # a plain reactive: the keys need redrawing
            footer.show_command_palette = wide
            footer.refresh(recompose=True)

    async def run_command(self, cmd: Command) -> None:
        """Run a command of the palette on the node of its scope."""
        if cmd.scope == "app":
            await self.app.run_action(cmd.action)
        elif cmd.scope == "list":
            await self.paper_list.run_action(cmd.action)
        else:
            await self.run_action(cmd.action)

    # -- header and status ---------------------------------------------------------------

    @property
    def _by_relevance(self) -> bool:
        result = self._filter_result
        return self.filter_active and self._relevance and result is not None and bool(result.ranked)

    def _update_header(self) -> None:
        header = self.query_one(ViewHeader)
        header.counts = self._counts
        header.view = self.view
        header.sort_text = "by relevance" if self._by_relevance else sort_label(self.sort)
        header.new = self.session.new_count

    def update_status(self) -> None:
        status = self.query_one(StatusLine)
        status.shown = len(self.paper_list.rows)
        status.total = len(self._base_rows)
        status.filtering = self.filter_active
        status.pending = self.filter_pending
        result = self._filter_result
        status.errors = tuple(result.errors) if result is not None else ()
        status.marked = len(self.paper_list.marked)
        status.indexing = (
            "titles"
            if not self.titles_indexed
            else "abstracts"
            if not self.abstracts_indexed
            else ""
        )

    # -- views ---------------------------------------------------------------------------

    def refresh_view(self, *, keep: str | None = None, top: bool = False) -> None:
        """Recompute the rows of the current view (and re-run the filter over them);
        the cursor stays on ``keep`` (default: the current paper), or goes to the top
        if ``top`` and ``keep`` is not there."""
        lib = self.session.library
        self._counts = counts(lib.entries, lib.states)
        self._base_rows = view_rows(self.orders.order(self.sort), lib.states, self.view)
        self._base_set = None
        if self.filter_active:
            self._start_filter(keep=keep, top_if_missing=top)
        else:
            self.paper_list.set_rows(self._base_rows, keep=keep, top=top)
        self._update_header()
        self.update_status()
        self.update_layout()

    def action_view(self, name: str) -> None:
        """Another view: the cursor stays on the paper when the view has it, else it
        goes to the top (never to whatever paper sits at the old position)."""
        view = View(name)
        if view is not self.view:
            self.view = view
            pid = self.paper_list.highlighted
            lib = self.session.library
            there = pid is not None and view.admits(lib.states.get(pid, DEFAULT_STATE))
            self.refresh_view(keep=pid if there else None, top=True)

    def action_next_view(self) -> None:
        self.action_view(VIEWS[(VIEWS.index(self.view) + 1) % len(VIEWS)].value)

    def action_previous_view(self) -> None:
        self.action_view(VIEWS[(VIEWS.index(self.view) - 1) % len(VIEWS)].value)

    def action_cycle_sort(self) -> None:
        if self._by_relevance:
            self._relevance = False  # first S while filtering: the view's sort again
        else:
            self.sort = next_sort(self.sort)
        self.refresh_view()
        self.say(f"Sorted by {sort_label(self.sort)}", timeout=1.5)

    # -- filtering -----------------------------------------------------------------------

    def action_focus_filter(self) -> None:
        if self.zoomed:  # the filter line is hidden while the pane is zoomed
            self.zoomed = False
            self.update_layout()
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
        self.details.set_spans(self._spans_for(value), typing=self.filter_input.has_focus)
        if self.filter_active:
            self._start_filter(first=True)
        else:
            self.filter_generation += 1
            self._filter_result = None
            self.filter_pending = False
            self.paper_list.set_rows(self._base_rows)
            self.run_deferred()
            self.update_status()
            self._update_header()

    @on(Input.Submitted, "#filter-input")
    def _filter_submitted(self) -> None:
        self._back_from_filter()

    @on(FilterInput.Done)
    def _filter_done(self, event: FilterInput.Done) -> None:
        if event.clear:
            self._set_query("")
        self._back_from_filter()

    def _back_from_filter(self) -> None:
        """Back to the list: the pane shows the highlighted paper at once (it waits for
        a pause only while typing). At once (``focus()`` waits a turn): keys typed in the
        same burst as ``enter`` are commands again."""
        self.set_focus(self.paper_list)
        self.details.follow(self.paper_list.highlighted, typing=False)

    def _spans_for(self, query: str) -> Callable[[str], list[tuple[int, int]]] | None:
        query = query.strip()
        if not query:
            return None
        spans = self.session.index.title_spans
        return lambda text: spans(query, text)

    def _start_filter(
        self, keep: str | None = None, *, first: bool = False, top_if_missing: bool = False
    ) -> None:
        """Run the query over the view; with ``first`` (the query changed) its result
        puts the cursor on the top match, else on ``keep`` or the current paper (when
        they are gone: on the same row, or the top one with ``top_if_missing``)."""
        self.filter_generation += 1
        self.filter_pending = True
        self._top_after_filter = self._top_after_filter or first
        self._top_if_missing = top_if_missing
        if self._base_set is None:
            self._base_set = set(self._base_rows)
            self._base_order = ViewOrder(self._base_rows)
        self._keep_after_filter = keep
        self._run_filter(
            self.filter_generation,
            self.query_text.strip(),
            self._base_order,
            self._base_set,
            self.session.library.states.copy(),
            self._relevance,
        )
        self.update_status()

    @work(
        thread=True, exclusive=True, group="filter", exit_on_error=False, description="filter"
    )  # an explicit description: the default repr()s the
    # arguments, 100,000 ids of them (50 ms per keystroke)
    def _run_filter(
        self,
        gen: int,
        query: str,
        base: ViewOrder,
        within: set[str],
        states: Mapping[str, PaperState],
        relevance: bool,
    ) -> None:
        def cancelled() -> bool:
            return gen != self.filter_generation

        # Searching everything and intersecting here is cheaper than ``within=``
        # (which costs ~45 ms at 100k papers whatever the query).
        index = self.session.index
        result = index.search(query, states=states, cancelled=cancelled)
        if result.cancelled or cancelled():
            return
        everywhere = result.ids
        if not (result.ranked and relevance):
            result.ids = base.keep(result.ids)
        elif len(within) != len(index):
            result.ids = [i for i in result.ids if i in within]
        shown_in_all = (i for i in everywhere if not getattr(states.get(i), "removed", False))
        elsewhere = 0 if result.ids else sum(1 for _ in shown_in_all)
        self.post_message(FilterResult(gen, query, result, elsewhere))

    @on(FilterResult)
    def _filter_result_in(self, message: FilterResult) -> None:
        if message.generation != self.filter_generation:
            return  # an older keystroke: never overwrite a newer result
        self.filter_pending = False
        self._filter_result = message.result
        self.query_one(StatusLine).elsewhere = message.elsewhere
        top = self._top_after_filter
        self._top_after_filter = False
        ids = message.result.ids
        self.paper_list.set_rows(
            ids,
            keep=ids[0] if top and ids else self._keep_after_filter,
            top=self._top_if_missing,
            query=message.query,
            spans=self.session.index.title_spans,
        )
        self.update_status()
        self._update_header()
        self.run_deferred()

    # -- search index (loaded or built by IndexKeeping) ---------------------------------

    @on(IndexProgress)
    def _index_progress(self, message: IndexProgress) -> None:
        self.titles_indexed = message.titles
        self.abstracts_indexed = message.abstracts
        if self.filter_active:
            self._start_filter()
        self.update_status()
        if self.details.paper_id is not None:
            self.details.show_paper(self.paper_list.highlighted, keep_scroll=True)

    # -- details -------------------------------------------------------------------------

    @on(PaperList.Highlighted)
    def _highlighted(self, message: PaperList.Highlighted) -> None:
        self.details.follow(message.paper_id, typing=self.filter_input.has_focus)

    # -- changes -------------------------------------------------------------------------

    def after_change(self, ids: Collection[str]) -> None:
        """Repaint after ``ids`` changed state: rows that left the view go, counts update."""
        lib = self.session.library
        self._counts = counts(lib.entries, lib.states)
        rows = self.paper_list.rows
        row_set: Collection[str] = rows if len(ids) <= 16 else set(rows)
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
            self.paper_list.set_rows(
                [i for i in rows if i not in gone],
                query=self.query_text.strip() if self.filter_active else "",
                spans=self.session.index.title_spans,
            )
        else:
            self.paper_list.refresh_papers(ids)
        self._update_header()
        self.update_status()
        highlighted = self.paper_list.highlighted
        if highlighted in ids:
            self.details.show_paper(highlighted, keep_scroll=True)

    def catalog_changed(self, ids: Iterable[str]) -> None:
        lib = self.session.library
        entries = [lib.entries[i] for i in ids if i in lib.entries]
        self.orders.invalidate()
        self.refresh_view()
        self.index_grew(entries)
