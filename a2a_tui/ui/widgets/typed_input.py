"""An input whose own editing keys act in the order they were typed.

Textual runs a focused widget's (non-priority) bindings only once its key has
bubbled back up to the app, through every ancestor's message queue, while the
next printable key goes straight to the input. Keys that arrive in one read
(a paste, a fast typist, SSH lag) then act out of order: `/ ctrl+u 5 Enter`
on the board erased the `5` it had just typed, and submitted an empty amount.
Here the input's own bindings (`ctrl+u`, backspace, the arrows, Enter) run as
the key reaches it, in turn with the keys typed around them. No styles of its
own: `Input`'s apply.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input

__all__ = ["TypedInput"]


class TypedInput(Input):
    async def _on_key(self, event: events.Key) -> None:
        if event.is_printable:
            return  # Input's own handler types it, in turn
        active = self.screen.active_bindings.get(event.key)
        if active is None or active.node is not self or not active.enabled:
            return  # another node's binding: the usual path (the key bubbles up)
        if await self.app.run_action(active.binding.action, self):
            event.stop()
            event.prevent_default()  # handled here: not again by the app's binding check
