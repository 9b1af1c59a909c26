"""The app's frame rate: the first price of a quote waits for Textual's next frame."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

PROBE = "import a2a_tui.ui.app, textual.constants as c; print(c.MAX_FPS)"


def _max_fps(**env: str) -> int:
    clean = {k: v for k, v in os.environ.items() if k != "TEXTUAL_FPS"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env={**clean, **env}, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return int(done.stdout)


def test_the_app_asks_textual_for_120_frames_a_second() -> None:
    assert _max_fps() == 120


@pytest.mark.parametrize("wanted", ["30", "60"])
def test_a_users_own_textual_fps_wins(wanted: str) -> None:
    assert _max_fps(TEXTUAL_FPS=wanted) == int(wanted)
