"""Keys typed faster than the screen changes: where they belong.

Textual hands a key to whatever had the focus when the key was read. Typed in one burst
with ``/``, ``n`` or ``a``, the next keys go to the paper list before the filter takes
the focus or the note editor or add dialog opens, and nothing takes them. The main
screen marks every key (and paste) that passes through it on the way up; once it
reaches the app, the dialog now on top, or the now-focused filter, takes the marked
text. A key typed into a dialog never passes through the main screen, so it is never
inserted twice.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from textual import events

_MARK = "_readq_from_main_screen"


@runtime_checkable
class TypeAhead(Protocol):
    """A screen that takes the keys typed before its text box had the focus."""

    def type_ahead(self, text: str) -> bool:
        """Insert ``text`` where the user meant it; False if there is no such place."""
        ...


def mark_for_type_ahead(event: events.Key | events.Paste) -> None:
    """Called by the main screen for every key and paste bubbling through it."""
    setattr(event, _MARK, True)


def deliver(screen: object, event: events.Key | events.Paste) -> None:
    """Called by the app: give marked text to ``screen`` (the top one) if it takes it."""
    if not getattr(event, _MARK, False) or not isinstance(screen, TypeAhead):
        return
    if isinstance(event, events.Key):
        text = event.character if event.is_printable and event.character else ""
    else:
        text = event.text
    if text and screen.type_ahead(text):
        event.stop()
