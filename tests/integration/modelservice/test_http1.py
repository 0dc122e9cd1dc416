"""The gateway's HTTP/1.1 client against servers on 127.0.0.1 that answer in every framing
HTTP/1.1 allows, close kept-alive connections, stall, or speak no HTTP at all."""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from yarl import URL

from relnotes.services.engines import http1
from relnotes.services.engines.http1 import Origin, UpstreamClosed

Answer = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


class RawServer:
    """A TCP server that reads each request (head plus Content-Length body) and hands the
    socket to ``answer``; it counts connections and keeps the request heads it read."""

    def __init__(self, answer: Answer) -> None:
        self.answer, self.connections, self.heads = answer, 0, list[bytes]()
        self.server: asyncio.Server | None = None

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while head := await reader.readuntil(b"\r\n\r\n"):
                self.heads.append(head)
                length = next(
                    int(line.split(b":")[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                )
                await reader.readexactly(length)
                await self.answer(reader, writer)
                if writer.is_closing():
                    return
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    @property
    def url(self) -> URL:
        assert self.server is not None
        port = self.server.sockets[0].getsockname()[1]
        return URL(f"http://127.0.0.1:{port}/v1/chat/completions")


@pytest.fixture
async def serve() -> AsyncIterator[Callable[[Answer], Awaitable[RawServer]]]:
    servers: list[RawServer] = []

    async def start(answer: Answer) -> RawServer:
        raw = RawServer(answer)
        raw.server = await asyncio.start_server(raw.handle, "127.0.0.1", 0)
        servers.append(raw)
        return raw

    yield start
    for raw in servers:
        assert raw.server is not None
        raw.server.close()
        await raw.server.wait_closed()


def framed(body: bytes, status: str = "200 OK", extra: str = "") -> bytes:
    head = f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n{extra}"
    return head.encode() + b"Content-Length: %d\r\n\r\n%b" % (len(body), body)


async def fetch(
    origin: Origin, body: bytes = b'{"model": "m"}'
) -> tuple[int, dict[str, str], bytes]:
    reply = await origin.post(body)
    try:
        return reply.status, reply.headers, await reply.read()
    finally:
        reply.release()


async def test_keep_alive_reuses_one_connection_and_sends_one_head(
    serve: Callable[..., Awaitable[RawServer]],
) -> None:
    async def answer(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(framed(b'{"ok": true}', extra="X-RateLimit-Remaining: 9\r\n"))

    server = await serve(answer)
    origin = Origin(server.url, {"Content-Type": "application/json", "Authorization": "Bearer k"})
    for _ in range(3):
        status, headers, body = await fetch(origin)
        assert (status, body) == (200, b'{"ok": true}')
        assert headers["x-ratelimit-remaining"] == "9"  # names lower-cased
    origin.close()
    assert server.connections == 1
    head = server.heads[0].decode()
    assert head.startswith("POST /v1/chat/completions HTTP/1.1\r\n")
    assert f"Host: 127.0.0.1:{server.url.port}" in head
    assert "Authorization: Bearer k" in head
    assert "Content-Length: 14" in head


async def test_chunked_and_close_delimited_bodies_are_read_whole(
    serve: Callable[..., Awaitable[RawServer]],
) -> None:
    async def chunked(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        writer.write(b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")

    async def until_close(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nall of it")
        await writer.drain()
        writer.close()

    for answer, expected in ((chunked, b"hello world"), (until_close, b"all of it")):
        origin = Origin((await serve(answer)).url, {})
        assert (await fetch(origin))[2] == expected
        origin.close()


async def test_a_stream_arrives_chunk_by_chunk_before_it_ends(
    serve: Callable[..., Awaitable[RawServer]],
) -> None:
    release = asyncio.Event()

    async def sse(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n")
        writer.write(b"Transfer-Encoding: chunked\r\n\r\n8\r\ndata: 1\n\r\n")
        await writer.drain()
        await release.wait()
        writer.write(b"8\r\ndata: 2\n\r\n0\r\n\r\n")

    origin = Origin((await serve(sse)).url, {})
    reply = await origin.post(b"{}")
    chunks = reply.chunks(read_timeout_s=5)
    assert await anext(chunks) == b"data: 1\n"  # while the server still holds the rest
    release.set()
    assert [chunk async for chunk in chunks] == [b"data: 2\n"]
    reply.release()
    origin.close()


async def test_a_kept_alive_connection_closed_while_idle_is_replaced(
    serve: Callable[..., Awaitable[RawServer]],
) -> None:
    async def answer_then_close(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(framed(b"{}"))  # says nothing of closing, then closes: an idle timeout
        await writer.drain()
        writer.close()

    server = await serve(answer_then_close)
    origin = Origin(server.url, {})
    assert (await fetch(origin))[0] == 200
    await asyncio.sleep(0.1)  # the close arrives while the connection is idle in the pool
    assert (await fetch(origin))[0] == 200
    assert server.connections == 2
    origin.close()


async def test_a_connection_cut_mid_answer_is_an_error_and_never_reused(
    serve: Callable[..., Awaitable[RawServer]],
) -> None:
    async def cut(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part")
        await writer.drain()
        writer.close()

    server = await serve(cut)
    origin = Origin(server.url, {})
    with pytest.raises(UpstreamClosed, match="closed the connection"):
        await fetch(origin)
    with pytest.raises(UpstreamClosed):
        await fetch(origin)
    assert server.connections == 2


async def test_no_http_and_oversized_answers_are_errors(
    serve: Callable[..., Awaitable[RawServer]], monkeypatch: pytest.MonkeyPatch
) -> None:
    async def garbage(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"SSH-2.0-OpenSSH_9.6\r\n\r\n")

    async def large(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(framed(b"x" * 2048))

    with pytest.raises(UpstreamClosed, match="no HTTP"):
        await fetch(Origin((await serve(garbage)).url, {}))
    monkeypatch.setattr(http1, "MAX_BODY", 1024)
    with pytest.raises(UpstreamClosed, match="over 1024 bytes"):
        await fetch(Origin((await serve(large)).url, {}))


async def test_a_reply_abandoned_by_a_timeout_closes_its_connection(
    serve: Callable[..., Awaitable[RawServer]],
) -> None:
    async def stall(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(30)

    server = await serve(stall)
    origin = Origin(server.url, {})
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.2):
            await origin.post(b"{}")
    assert not origin._idle  # the connection with an answer still owed is closed, not pooled


async def test_only_http_urls_are_origins() -> None:
    with pytest.raises(ValueError, match="not an http"):
        Origin(URL("ftp://example.com/v1/chat/completions"), {})


async def test_requests_past_the_connection_limit_wait_for_a_released_reply(
    serve: Callable[..., Awaitable[RawServer]],
) -> None:
    release = asyncio.Event()

    async def held(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await release.wait()
        writer.write(framed(b"{}"))

    server = await serve(held)
    origin = Origin(server.url, {}, limit=2)
    posts = [asyncio.create_task(fetch(origin)) for _ in range(3)]
    await asyncio.sleep(0.2)
    assert server.connections == 2  # the third waits for a slot, not for a new connection
    release.set()
    assert [status for status, _, _ in await asyncio.gather(*posts)] == [200, 200, 200]
    assert server.connections == 2  # the third reused a released connection
    origin.close()


async def test_a_failed_request_gives_its_slot_back(
    serve: Callable[..., Awaitable[RawServer]],
) -> None:
    async def answer(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(framed(b"{}"))

    server = await serve(answer)
    assert server.server is not None
    url = server.url
    server.server.close()
    await server.server.wait_closed()
    origin = Origin(url, {}, limit=1)
    for _ in range(2):
        with pytest.raises(ConnectionRefusedError):
            await fetch(origin)
    server.server = await asyncio.start_server(server.handle, "127.0.0.1", url.port)
    assert (await fetch(origin))[0] == 200  # the refused tries did not keep the only slot
    origin.close()
