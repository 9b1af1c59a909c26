"""An Any2Any client whose channel list answers late: the race behind `expecting` order."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from a2a_tui.providers.any2any.client import Any2AnyClient
from a2a_tui.providers.any2any.errors import StreamIncomplete


class _Watched:
    """The wire stream, telling the client what has been read from it."""

    def __init__(self, inner: Any, client: LateList) -> None:
        self.inner, self.client = inner, client

    def __aiter__(self) -> _Watched:
        return self

    async def __anext__(self) -> Any:
        item = await anext(self.inner)
        self.client.read.append(item)
        if self.client.release_when(self.client.read):
            self.client.released.set()
        if self.client.fail_after is not None and len(self.client.read) > self.client.fail_after:
            raise StreamIncomplete("connection to the host lost")
        return item


class LateList(Any2AnyClient):
    """A client whose channel list answers only once the stream got that far."""

    def __init__(self, base_url: str, release_when: Any, fail_after: int | None = None) -> None:
        super().__init__(base_url)
        self.release_when = release_when
        self.fail_after = fail_after
        self.released = asyncio.Event()
        self.read: list[Any] = []

    @asynccontextmanager
    async def stream_quotes(self, request: Any, **kwargs: Any) -> AsyncIterator[Any]:
        async with super().stream_quotes(request, **kwargs) as stream:
            yield _Watched(stream, self)

    async def list_channels(self, *args: Any) -> Any:
        await self.released.wait()
        return await super().list_channels(*args)
