"""``a2a-tui serve web`` without a browser: its tab cap and the page's own URLs."""

from __future__ import annotations

import aiohttp
from serve_helpers import serve_web_demo


async def test_tabs_beyond_the_cap_are_refused_and_the_first_keeps_its_app() -> None:
    with serve_web_demo("--max-sessions", "1") as url:
        ws_url = url.replace("http", "ws") + "ws?width=80&height=24"
        async with aiohttp.ClientSession() as http, http.ws_connect(ws_url) as first:
            seen = b""
            while b"Receive" not in seen:  # the first tab's app paints
                message = await first.receive(timeout=30)
                assert message.type == aiohttp.WSMsgType.BINARY, message
                seen += message.data
            async with http.ws_connect(ws_url) as second:
                message = await second.receive(timeout=10)
                assert message.type == aiohttp.WSMsgType.CLOSE
                assert second.close_code == 1013
                assert "all sessions are in use" in (message.extra or "")
            assert not first.closed


async def test_the_page_points_the_browser_back_where_it_came_from() -> None:
    """Built from the bind address, a server on 0.0.0.0 would send every remote
    browser to its own 0.0.0.0; the page uses the address the browser asked."""
    with serve_web_demo() as url:
        port = url.rsplit(":", 1)[1].strip("/")
        async with aiohttp.ClientSession() as http:
            response = await http.get(url, headers={"Host": f"demo.example:{port}"})
            page = await response.text()
    assert f'data-session-websocket-url="ws://demo.example:{port}/ws"' in page
    assert f"http://demo.example:{port}/static/" in page
    assert "googleapis" not in page
