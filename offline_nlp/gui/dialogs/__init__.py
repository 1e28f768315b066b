"""Dialogs shared by the tabs."""
