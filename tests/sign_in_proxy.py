"""A sign-in proxy for browser tests, in front of `streamlit run` as oauth2-proxy would be.

Streamlit reads a trusted user header (setting "user_header") from the WebSocket handshake.
Chromium 150 does not add a browser context's extra HTTP headers to that handshake
(microsoft/playwright#28948, fixed in Chromium 151), so a test cannot send the header
itself. Instead the test puts the user's name in the cookie `COOKIE`, and this proxy turns
it into the header on every request, the WebSocket included, after dropping any such
header the browser sent (as a real sign-in proxy must).
"""

from __future__ import annotations

import contextlib
import http.client
import threading
import time
from collections.abc import Iterator

import anyio
import uvicorn
import websockets
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

COOKIE = "test_signed_in_as"
_HOP = {"connection", "keep-alive", "transfer-encoding", "upgrade", "content-length"}
_HANDSHAKE = {"host", "origin", "sec-websocket-key", "sec-websocket-version"}
_METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"]


def _headers(incoming, header: str, dropped: set[str]) -> list[tuple[str, str]]:
    """The request's headers without hop-by-hop ones and any `header` the client sent,
    plus `header` naming the user of the cookie (none without the cookie)."""
    kept = [
        (name, value)
        for name, value in incoming.items()
        if name.lower() not in dropped | _HOP and name.lower() != header.lower()
    ]
    for part in incoming.get("cookie", "").split(";"):
        name, _, value = part.strip().partition("=")
        if name == COOKIE and value:
            kept.append((header, value))
    return kept


def _app(upstream_port: int, header: str) -> Starlette:
    def fetch(method: str, path: str, headers: list, body: bytes):
        connection = http.client.HTTPConnection("127.0.0.1", upstream_port, timeout=60)
        try:
            connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            for name, value in [*headers, ("Content-Length", str(len(body)))]:
                connection.putheader(name, value)
            connection.endheaders(body)
            answer = connection.getresponse()
            return answer.status, answer.getheaders(), answer.read()
        finally:
            connection.close()

    async def forward(request: Request) -> Response:
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        headers = _headers(request.headers, header, set())
        status, answer_headers, content = await anyio.to_thread.run_sync(
            fetch, request.method, path, headers, await request.body()
        )
        response = Response(content, status_code=status)
        response.raw_headers = [
            (name.lower().encode("latin-1"), value.encode("latin-1"))
            for name, value in answer_headers
            if name.lower() not in _HOP
        ] + [(b"content-length", str(len(content)).encode())]
        return response

    async def socket(client: WebSocket) -> None:
        path = client.url.path + (f"?{client.url.query}" if client.url.query else "")
        async with websockets.connect(
            f"ws://127.0.0.1:{upstream_port}{path}",
            additional_headers=_headers(client.headers, header, _HANDSHAKE),
            subprotocols=client.scope.get("subprotocols") or None,
            compression=None,
            max_size=None,
            user_agent_header=None,
        ) as server:
            await client.accept(subprotocol=server.subprotocol)
            async with anyio.create_task_group() as pumps:

                async def browser_to_server() -> None:
                    with contextlib.suppress(WebSocketDisconnect):
                        while True:
                            message = await client.receive()
                            if message["type"] == "websocket.disconnect":
                                break
                            data = message.get("bytes")
                            await server.send(message.get("text") if data is None else data)
                    pumps.cancel_scope.cancel()

                async def server_to_browser() -> None:
                    with contextlib.suppress(websockets.ConnectionClosed):
                        async for message in server:
                            if isinstance(message, bytes):
                                await client.send_bytes(message)
                            else:
                                await client.send_text(message)
                    pumps.cancel_scope.cancel()

                pumps.start_soon(browser_to_server)
                pumps.start_soon(server_to_browser)
        with contextlib.suppress(RuntimeError):  # already closed by the browser
            await client.close()

    return Starlette(
        routes=[
            WebSocketRoute("/_stcore/stream", socket),
            Route("/{path:path}", forward, methods=_METHODS),
        ]
    )


@contextlib.contextmanager
def sign_in_proxy(upstream: str, header: str, port: int) -> Iterator[str]:
    """The proxy on `port` in front of `upstream` (http://127.0.0.1:PORT), in a thread;
    yields its address and stops it afterwards."""
    upstream_port = int(upstream.rsplit(":", 1)[1])
    config = uvicorn.Config(
        _app(upstream_port, header),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        ws="websockets-sansio",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the sign-in proxy did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
