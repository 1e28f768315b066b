"""The PySide6 desktop app: a thin layer over the shared engine (see ``app.main``).

Only this package imports Qt; the engine, packages and documents stay Qt-free.
"""
