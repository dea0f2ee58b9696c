"""Screens and modals of the reading queue."""
