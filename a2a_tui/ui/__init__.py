"""The Textual app: the shell, its screens and widgets, messages and commands."""
