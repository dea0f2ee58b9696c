"""What an empty library shows instead of the list: how to add papers."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

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


class Welcome(Static):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(welcome_text(), id=id)
