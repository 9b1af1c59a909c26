"""Serving the app to people who have nothing installed: over SSH and in a browser.

Every session is its own app process (``a2a-tui`` or ``a2a-tui demo --attach``)
on its own terminal, so this layer never imports Textual, the UI or the
simulator: the entry points wire those in through the command they give it.
"""
