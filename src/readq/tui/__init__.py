"""The terminal UI (Textual). Only ``readq`` and ``readq demo`` import this package."""
