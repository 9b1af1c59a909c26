"""``a2a-tui serve web --demo`` end to end in a real headless Chromium (Debian's).

Playwright drives /usr/bin/chromium (no browser download). The page draws with
xterm.js on a canvas, so what the app sent is read from the websocket and drawn
by pyte at the size the page asked for. Every request but the server's own is
refused: nothing a tab loads may leave 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pyte
import pytest
from serve_helpers import serve_web_demo

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
playwright = pytest.importorskip("playwright.async_api", reason="needs the playwright package")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="needs Chromium (Debian chromium)")

SCREENSHOT = Path(__file__).parents[2] / "screenshots" / "serve-web-demo.png"


@pytest.fixture
def web_demo() -> Iterator[str]:
    with serve_web_demo() as url:
        yield url


class Screen:
    """What the app sent to the page, drawn at the size the page asked for."""

    def __init__(self) -> None:
        self.screen: pyte.Screen | None = None
        self.stream: pyte.ByteStream | None = None
        self.changed = asyncio.Event()

    def on_websocket(self, ws: playwright.WebSocket) -> None:
        query = parse_qs(urlsplit(ws.url).query)
        columns, rows = int(query["width"][0]), int(query["height"][0])
        self.screen = pyte.Screen(columns, rows)
        self.stream = pyte.ByteStream(self.screen)
        ws.on("framereceived", self.on_frame)

    def on_frame(self, payload: str | bytes) -> None:
        if isinstance(payload, bytes) and self.stream is not None:
            self.stream.feed(payload)
            self.changed.set()

    @property
    def text(self) -> str:
        return "\n".join(self.screen.display) if self.screen else ""

    async def wait_until(self, predicate: Callable[[str], bool], within: float = 30) -> None:
        async def wait() -> None:
            while not predicate(self.text):
                self.changed.clear()
                await self.changed.wait()

        try:
            await asyncio.wait_for(wait(), within)
        except TimeoutError:
            raise AssertionError(f"not seen; the page showed:\n{self.text}") from None

    async def wait_for(self, pattern: str, within: float = 30) -> None:
        await self.wait_until(lambda text: re.search(pattern, text, re.MULTILINE) is not None)


@pytest.fixture
async def page() -> AsyncIterator[playwright.Page]:
    async with playwright.async_playwright() as driver:
        browser = await driver.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            context = await browser.new_context(viewport={"width": 1100, "height": 700})
            yield await context.new_page()
        finally:
            await browser.close()


async def test_the_demo_board_in_chromium(web_demo: str, page: playwright.Page) -> None:
    outside: list[str] = []

    async def only_this_server(route: playwright.Route) -> None:
        if route.request.url.startswith(web_demo.rstrip("/")) or route.request.url.startswith(
            web_demo.replace("http", "ws").rstrip("/")
        ):
            await route.continue_()
        else:
            outside.append(route.request.url)
            await route.abort()

    await page.route("**/*", only_this_server)
    screen = Screen()
    page.on("websocket", screen.on_websocket)
    await page.goto(web_demo)
    await page.wait_for_selector("body.-first-byte", timeout=30_000)
    await screen.wait_for(r"Receive USDT")
    await screen.wait_for(r"^\s+1 \S.*\d,\d{3}\.\d{6}")  # ranked rows

    # Type a quote: back to the amount (its text selected), a new one, Enter.
    await page.click(".textual-terminal")
    await page.keyboard.press("/")
    await screen.wait_until(lambda text: "Details" not in text.splitlines()[-1])  # input focused
    await page.keyboard.type("2")
    await screen.wait_for(r"Amount\s+2\s")
    await page.keyboard.press("Enter")
    await screen.wait_for(r"^\s+1 \S.*\s6,\d{3}\.\d{6}")  # 2 ETH: over 6,000 USDT

    shot = Path(os.environ.get("A2A_TUI_WEB_SCREENSHOT", ""))
    if not shot.name:
        shot = Path(os.environ.get("PYTEST_TMPDIR", "/tmp")) / f"serve-web-{os.getpid()}.png"
    await page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
    assert outside == []  # not even the web font: the page is served from our template
