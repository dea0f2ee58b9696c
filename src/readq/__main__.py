"""``python -m readq`` is the same as the ``readq`` command."""

from readq.cli import run

run()
