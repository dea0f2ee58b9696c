"""The terminal UI (Textual). Only ``readq`` and ``readq demo`` import this package.

Textual paints at most ``TEXTUAL_FPS`` frames a second (60 by default). A filter
result that arrives just after the frame that echoed the keystroke waited for the next
frame: 12 ms of a 31 ms keystroke at 100,000 papers (median, ``bench_tui.py``). At 120
frames a second that wait halves; frames are still only painted when something
changed. Set before Textual is imported (hence here); a value in the environment wins.
"""

import os

os.environ.setdefault("TEXTUAL_FPS", "120")
