"""Pausing the cyclic garbage collector around bulk work that allocates no garbage."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic collection inside the block.

    Loading a library or building the index creates millions of long-lived, acyclic
    objects; the collector would rescan the growing heap again and again (40% of a load)
    and find nothing. The previous setting is restored, so nesting is safe.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
