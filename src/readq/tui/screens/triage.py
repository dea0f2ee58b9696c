"""Triage on the main screen: read, star, marks and bulk actions, undo and redo."""

from __future__ import annotations

import asyncio

from readq.errors import ReadqError
from readq.history import NothingToDoError
from readq.models import DEFAULT_STATE
from readq.text import plural
from readq.tui.queue import BULK_CONFIRM_OVER
from readq.tui.screens.queue_screen import QueueScreen


class TriageActions(QueueScreen):
    """The actions that change papers' states (bound in ``keymap``, scope "screen")."""

    def action_toggle_read(self) -> None:
        if self._toggle(
            "read",
            single=("read", "unread"),
            bulk=("mark read", "mark unread"),
            said=("marked read", "marked unread"),
        ):
            self.paper_list.action_cursor_down()

    def action_toggle_star(self) -> None:
        self._toggle(
            "starred",
            single=("star", "unstar"),
            bulk=("star", "unstar"),
            said=("starred", "unstarred"),
        )

    def _toggle(
        self, field: str, *, single: tuple[str, str], bulk: tuple[str, str], said: tuple[str, str]
    ) -> bool:
        """Toggle ``field`` on the marked papers (all set unless all already are), else
        on the highlighted one; True when it was the highlighted one. The pairs (set,
        cleared) name the change for undo, one paper or many, and the bulk message."""
        targets = self.targets()
        if not targets:
            return False
        effective = self.session.effective
        if self.paper_list.marked:
            value = not all(effective(i, field) for i in targets)
            self.apply({i: {field: value} for i in targets}, bulk[0 if value else 1])
            self.paper_list.set_marked(set())
            self.say(
                f"{plural(len(targets), 'paper')} {said[0 if value else 1]} · u undoes", timeout=3
            )
            return False
        pid = targets[0]
        value = not effective(pid, field)
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
        self.update_status()

    def action_clear_marks(self) -> None:
        self.paper_list.set_marked(set())
        self.update_status()

    def action_mark_all_read(self) -> None:
        states = self.session.library.states
        ids = [i for i in self.paper_list.rows if not states.get(i, DEFAULT_STATE).read]
        if not ids:
            self.say("Every paper in this view is already read.")
            return
        what = "in this filtered view" if self.filter_active else f"in {self.view.label}"

        def go(confirmed: bool | None) -> None:
            if confirmed:
                self.apply({i: {"read": True} for i in ids}, f"mark {len(ids)} read")
                self.say(f"Marked {plural(len(ids), 'paper')} read · u undoes", timeout=4)

        if len(ids) > BULK_CONFIRM_OVER:
            from readq.tui.screens.confirm import ConfirmScreen

            self.app.push_screen(
                ConfirmScreen(
                    f"Mark {plural(len(ids), 'paper')} {what} read?",
                    "You can undo it with u.",
                    yes="Mark read",
                ),
                go,
            )
        else:
            go(True)

    # -- undo / redo ---------------------------------------------------------------------

    def action_undo(self) -> None:
        self.run_worker(self._undo_redo(redo=False), group="save", exit_on_error=False)

    def action_redo(self) -> None:
        self.run_worker(self._undo_redo(redo=True), group="save", exit_on_error=False)

    async def _undo_redo(self, *, redo: bool) -> None:
        """The newest step of the history shared with ``readq undo`` / ``readq redo``
        (a change made here or on the command line, an import), on the store thread."""
        try:
            step, (_, catalog) = await asyncio.wrap_future(self.session.submit_undo(redo))
        except NothingToDoError:
            self._show_missed()
            self.say(f"Nothing to {'redo' if redo else 'undo'}.", timeout=2)
            return
        except ReadqError as err:  # a paper changed since: nothing was changed
            self._show_missed()
            self.say(str(err), title="Not undone", severity="warning", timeout=8)
            return
        except OSError as err:
            self.save_failed(err)
            return
        ids = step.ids
        if step.catalog or catalog:
            self.catalog_changed([*ids, *catalog])
        else:
            self.refresh_view(keep=ids[0] if len(ids) == 1 else None)
        verb = "Redone" if redo else "Undone"
        self.say(
            f"{verb}: {step.label or 'change'}"
            + (f" ({plural(len(ids), 'paper')})" if len(ids) > 1 else ""),
            timeout=2,
        )

    def _show_missed(self) -> None:
        """What other processes changed, found by the poll before an undo that failed."""
        states, catalog = self.session.missed
        if catalog:
            self.catalog_changed(catalog)
        elif states:
            self.after_change(states)
