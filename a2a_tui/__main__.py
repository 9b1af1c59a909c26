"""``python -m a2a_tui``."""

import sys

from a2a_tui.cli import main

sys.exit(main())
