"""The Textual app: the shell, its screens and widgets, messages and commands.

Textual paints a screen at most ``TEXTUAL_FPS`` times a second (default 60), and a
change waits for the next frame: up to 16.7 ms, on top of the paint itself. The
first price of a quote is what a trader waits for, so the app asks for 120 frames
(a user's own ``TEXTUAL_FPS`` wins). It costs no extra paints while quotes stream:
the quote screen presents the board at most 30 times a second and the detail five
times, whatever the frame rate; the screen is painted only when something changed.
Set here, before anything of the app imports Textual, which reads it once.
"""

import os

os.environ.setdefault("TEXTUAL_FPS", "120")
