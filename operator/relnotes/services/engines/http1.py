"""A keep-alive HTTP/1.1 client for one origin: the gateway's hop to its upstream.

Why not aiohttp's client: a gateway pays its client on every request, and aiohttp's builds a
request object, a headers multidict, cookie and tracing hooks and timer contexts per call, about
150 µs of CPU, half of what the model-service spent per forwarded request
(bench/gateway_throughput.py). Here a request is one prepared head plus the body, written in
one call on a pooled connection, and the answer is parsed by httptools (llhttp, Node.js'
parser, as uvicorn uses it). Only what a chat-completions call needs: POST, bodies in memory,
answers read whole or streamed chunk by chunk, no redirects, cookies, proxies or compression.
"""

import asyncio
import ssl
from collections import deque
from collections.abc import AsyncIterator

import httptools
from yarl import URL

__all__ = ["MAX_BODY", "MAX_CONNECTIONS", "Origin", "Reply", "UpstreamClosed"]

MAX_BODY = 32 * 1024 * 1024  # an answer larger than this is not a chat completion
MAX_CONNECTIONS = 1024  # requests in flight to one upstream; more wait for a connection


class UpstreamClosed(ConnectionError):
    """The connection ended (or spoke no HTTP) before the answer was complete."""


class _Connection(asyncio.Protocol):
    """One TCP (or TLS) connection; answers are parsed as they arrive, one at a time."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self._parser = httptools.HttpResponseParser(self)
        self._begin()

    def _begin(self) -> None:
        loop = asyncio.get_running_loop()
        self.head: asyncio.Future[None] = loop.create_future()
        self.headers: dict[str, str] = {}
        self.chunks: deque[bytes] = deque()
        self.size, self.done, self.keep_alive = 0, False, False
        self.error: Exception | None = None
        self._waiter: asyncio.Future[None] | None = None

    # asyncio.Protocol
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError as error:
            self._fail(UpstreamClosed(f"upstream spoke no HTTP/1.1: {error}"))

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        framed = "content-length" in self.headers or "transfer-encoding" in self.headers
        close_delimited = self.head.done() and not framed
        if close_delimited and exc is None:  # the body ran until the server closed
            self.on_message_complete()
        elif not self.done:
            self._fail(UpstreamClosed(f"upstream closed the connection ({exc or 'EOF'})"))

    # httptools callbacks
    def on_header(self, name: bytes, value: bytes) -> None:
        key, text = name.decode("latin-1").lower(), value.decode("latin-1")
        self.headers[key] = f"{self.headers[key]}, {text}" if key in self.headers else text

    def on_headers_complete(self) -> None:
        self.keep_alive = self._parser.should_keep_alive()  # llhttp forgets it once complete
        if not self.head.done():
            self.head.set_result(None)

    def on_body(self, body: bytes) -> None:
        self.size += len(body)
        if self.size > MAX_BODY:
            self._fail(UpstreamClosed(f"answer over {MAX_BODY} bytes"))
            return
        self.chunks.append(body)
        self._wake()

    def on_message_complete(self) -> None:
        self.done = True
        self._wake()

    def _fail(self, error: Exception) -> None:
        self.error = error
        if not self.head.done():
            self.head.set_exception(error)
        self._wake()
        if self.transport is not None:
            self.transport.abort()

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    async def more(self) -> None:
        """Until a chunk arrives, the answer ends or the connection fails."""
        self._waiter = asyncio.get_running_loop().create_future()
        await self._waiter

    def reusable(self) -> bool:
        return self.done and self.keep_alive and self.error is None and self.transport is not None

    def send(self, data: bytes) -> None:
        assert self.transport is not None
        self._begin()
        self.transport.write(data)


class Reply:
    """An answer whose head has arrived; its body is read whole or chunk by chunk, once."""

    def __init__(self, origin: "Origin", connection: _Connection) -> None:
        self._origin, self._connection, self._released = origin, connection, False
        self.status = connection._parser.get_status_code()
        self.headers = connection.headers  # lower-case names

    async def chunks(self, read_timeout_s: float | None = None) -> AsyncIterator[bytes]:
        """The body as it arrives; each wait bounded by ``read_timeout_s``."""
        connection = self._connection
        while True:
            while connection.chunks:
                yield connection.chunks.popleft()
            if connection.error is not None:
                raise connection.error
            if connection.done:
                return
            async with asyncio.timeout(read_timeout_s):
                await connection.more()

    async def read(self, timeout_s: float | None = None) -> bytes:
        """The whole body, waiting at most ``timeout_s`` for what has not arrived (a completion
        usually came with its head: then there is no wait and no timer)."""
        connection = self._connection
        if not connection.done and connection.error is None:
            async with asyncio.timeout(timeout_s):
                while not connection.done and connection.error is None:
                    await connection.more()
        if connection.error is not None:
            raise connection.error
        return b"".join(connection.chunks)

    def release(self) -> None:
        """Back to the pool when the answer was read to its end, else closed (once)."""
        if not self._released:
            self._released = True
            self._origin._release(self._connection)


class Origin:
    """Pooled keep-alive connections to the scheme, host and port of ``url``; POSTs to its path."""

    def __init__(self, url: URL, headers: dict[str, str], limit: int = MAX_CONNECTIONS) -> None:
        if url.scheme not in {"http", "https"} or not url.host:
            raise ValueError(f"not an http(s) URL: {url}")
        secure = url.scheme == "https"
        self._host, self._port = url.host, url.port or (443 if secure else 80)
        self._ssl = ssl.create_default_context() if secure else None
        lines = [f"POST {url.raw_path_qs} HTTP/1.1", f"Host: {url.host_port_subcomponent}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        self._head = ("\r\n".join(lines) + "\r\nContent-Length: ").encode("latin-1")
        self._idle: list[_Connection] = []
        self._limit = limit
        self._slots: asyncio.Semaphore | None = None  # made in the event loop that uses it

    async def post(self, body: bytes) -> Reply:
        """Send ``body``; the reply once its status line and headers have arrived.

        At most ``limit`` requests are in flight (each holds its connection until its reply is
        released); a kept-alive connection the server closed while idle is replaced.
        """
        if self._slots is None:
            self._slots = asyncio.Semaphore(self._limit)
        await self._slots.acquire()
        try:
            return await self._post(body)
        except BaseException:
            self._slots.release()
            raise

    async def _post(self, body: bytes) -> Reply:
        data = b"%b%d\r\n\r\n%b" % (self._head, len(body), body)
        while self._idle:
            connection = self._idle.pop()
            if connection.transport is None or connection.transport.is_closing():
                continue
            try:
                return await self._exchange(connection, data)
            except UpstreamClosed:
                if connection.headers or connection.size:
                    raise
        return await self._exchange(await self._connect(), data)

    async def _exchange(self, connection: _Connection, data: bytes) -> Reply:
        connection.send(data)
        try:
            await connection.head
        except BaseException:  # failed, timed out or cancelled mid-answer: never reused
            if connection.transport is not None:
                connection.transport.abort()
            raise
        return Reply(self, connection)

    async def _connect(self) -> _Connection:
        loop = asyncio.get_running_loop()
        server_hostname = self._host if self._ssl is not None else None
        _, connection = await loop.create_connection(
            _Connection, self._host, self._port, ssl=self._ssl, server_hostname=server_hostname
        )
        return connection

    def _release(self, connection: _Connection) -> None:
        if connection.reusable():
            self._idle.append(connection)
        elif connection.transport is not None:
            connection.transport.abort()
        assert self._slots is not None  # a reply exists only after post() took a slot
        self._slots.release()

    def close(self) -> None:
        """Close every idle connection (answers still being read close when released)."""
        while self._idle:
            transport = self._idle.pop().transport
            if transport is not None:
                transport.close()
