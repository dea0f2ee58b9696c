"""Widgets of the reading queue."""
