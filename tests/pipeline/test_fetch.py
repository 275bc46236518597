"""Fetch against real HTTP servers on loopback: status handling, limits, redirects and the address guard."""

from __future__ import annotations

import asyncio
import gzip
import itertools
import socket
import time
import tracemalloc
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpcore
import pytest
from aiohttp import web

from bot.config import FetchConfig
from bot.pipeline.fetch import Fetcher, address_problem, default_user_agent, retry_after_seconds

Serve = Callable[..., Awaitable[str]]
RawHandler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]
MB = 1_000_000


@pytest.fixture
async def serve() -> AsyncIterator[Serve]:
    """Start an aiohttp app with the given routes on loopback; returns its base URL."""
    runners: list[web.AppRunner] = []

    async def start(routes: Iterable[web.RouteDef], host: str = "127.0.0.1") -> str:
        app = web.Application()
        app.add_routes(list(routes))
        runner = web.AppRunner(app)
        await runner.setup()
        runners.append(runner)
        await web.TCPSite(runner, host, 0).start()
        return f"http://{host}:{runner.addresses[0][1]}"

    yield start
    for runner in runners:
        await runner.cleanup()


@pytest.fixture
async def raw_serve() -> AsyncIterator[Callable[..., Awaitable[str]]]:
    """Start a byte-level server (for dribbling, lying and broken responses); returns its base URL."""
    servers: list[asyncio.Server] = []
    tasks: set[asyncio.Task[Any]] = set()

    async def start(handler: RawHandler, host: str = "127.0.0.1") -> str:
        async def run(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            task = asyncio.current_task()
            assert task is not None
            tasks.add(task)
            try:
                await handler(reader, writer)
            except (ConnectionError, asyncio.IncompleteReadError):
                pass
            finally:
                writer.close()

        server = await asyncio.start_server(run, host, 0)
        servers.append(server)
        return f"http://{host}:{server.sockets[0].getsockname()[1]}"

    yield start
    for server in servers:
        server.close()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


@pytest.fixture
async def make_fetcher() -> AsyncIterator[Callable[..., Fetcher]]:
    """Fetchers with test-sized limits; the address guard is off unless a test turns it on."""
    made: list[Fetcher] = []

    def make(*, fetcher_args: dict[str, Any] | None = None, **config: Any) -> Fetcher:
        config.setdefault("timeout", 2.0)
        config.setdefault("allow_private_networks", True)
        fetcher = Fetcher(FetchConfig(**config), **(fetcher_args or {}))
        made.append(fetcher)
        return fetcher

    yield make
    for fetcher in made:
        await fetcher.aclose()


@pytest.fixture
def connects(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Every TCP connection the fetcher really opens, as (address, port)."""
    seen: list[tuple[str, int]] = []
    real = httpcore.AnyIOBackend.connect_tcp

    async def spy(self: httpcore.AnyIOBackend, host: str, port: int, *args: Any, **kwargs: Any) -> Any:
        seen.append((host, port))
        return await real(self, host, port, *args, **kwargs)

    monkeypatch.setattr(httpcore.AnyIOBackend, "connect_tcp", spy)
    return seen


def port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def read_request(reader: asyncio.StreamReader) -> bytes:
    return await reader.readuntil(b"\r\n\r\n")


def respond(
    make: Callable[[web.Request], web.StreamResponse], log: list[web.Request] | None = None
) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """An aiohttp handler from a response factory, optionally noting each request it sees."""

    async def handle(request: web.Request) -> web.StreamResponse:
        if log is not None:
            log.append(request)
        return make(request)

    return handle


# --- success, conditional GET, encodings -------------------------------------------------------


async def test_200_returns_body_validators_and_lowercased_headers(
    serve: Serve, make_fetcher: Callable[..., Fetcher]
) -> None:
    seen: list[web.Request] = []
    body = b"<rss><channel><title>t</title></channel></rss>"
    handler = respond(
        lambda r: web.Response(
            body=body,
            headers={
                "Content-Type": "application/rss+xml; charset=utf-8",
                "ETag": '"v1"',
                "Last-Modified": "Wed, 21 Oct 2015 07:28:00 GMT",
                "X-Custom": "Yes",
            },
        ),
        seen,
    )
    base = await serve([web.get("/feed", handler)])
    fetcher = make_fetcher(contact="ops@example.org")

    result = await fetcher.fetch(f"{base}/feed")

    assert result.ok and result.error is None
    assert result.status == 200
    assert result.body == body
    assert result.etag == '"v1"'
    assert result.last_modified == "Wed, 21 Oct 2015 07:28:00 GMT"
    assert result.headers["content-type"] == "application/rss+xml; charset=utf-8"
    assert result.headers["x-custom"] == "Yes"
    assert result.url == f"{base}/feed"
    assert result.elapsed_s > 0
    sent = seen[0].headers
    assert sent["User-Agent"] == default_user_agent("ops@example.org")
    assert sent["User-Agent"].startswith("dealwatch/") and sent["User-Agent"].endswith("(+ops@example.org)")
    assert sent["Accept-Encoding"] == "gzip, deflate"
    assert "application/rss+xml" in sent["Accept"] and "application/json" in sent["Accept"]
    assert "If-None-Match" not in sent and "If-Modified-Since" not in sent


async def test_user_agent_can_be_overridden(serve: Serve, make_fetcher: Callable[..., Fetcher]) -> None:
    seen: list[web.Request] = []
    base = await serve([web.get("/", respond(lambda r: web.Response(text="ok"), seen))])
    ua = "dealwatch/0.1 research@example.org"
    fetcher = make_fetcher(fetcher_args={"user_agent": ua})

    assert (await fetcher.fetch(base + "/")).ok
    assert seen[0].headers["User-Agent"] == ua


async def test_conditional_get_304_is_not_modified(serve: Serve, make_fetcher: Callable[..., Fetcher]) -> None:
    seen: list[web.Request] = []
    stamp = "Wed, 21 Oct 2015 07:28:00 GMT"

    def answer(request: web.Request) -> web.Response:
        if request.headers.get("If-None-Match") == '"v1"' and request.headers.get("If-Modified-Since") == stamp:
            return web.Response(status=304)  # no validators repeated, as many servers do
        return web.Response(text="changed", headers={"ETag": '"v2"'})

    base = await serve([web.get("/feed", respond(answer, seen))])
    fetcher = make_fetcher()

    result = await fetcher.fetch(f"{base}/feed", etag='"v1"', last_modified=stamp)

    assert result.not_modified
    assert seen[0].headers["If-None-Match"] == '"v1"'
    assert result.status == 304
    assert result.error is None
    assert result.body == b""
    assert (result.etag, result.last_modified) == ('"v1"', stamp)  # kept, so the caller can store them
    changed = await fetcher.fetch(f"{base}/feed", etag='"v0"')
    assert not changed.not_modified and changed.body == b"changed" and changed.etag == '"v2"'


def _raw_deflate(data: bytes) -> bytes:
    squeeze = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return squeeze.compress(data) + squeeze.flush()


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [("gzip", gzip.compress), ("deflate", zlib.compress), ("deflate", _raw_deflate)],
    ids=["gzip", "deflate-zlib", "deflate-raw"],
)
async def test_compressed_bodies_are_decoded(
    serve: Serve, make_fetcher: Callable[..., Fetcher], encoding: str, encode: Callable[[bytes], bytes]
) -> None:
    body = b"<item>Scale AI</item>" * 5000
    base = await serve(
        [
            web.get(
                "/",
                respond(lambda r: web.Response(body=encode(body), headers={"Content-Encoding": encoding})),
            )
        ]
    )

    result = await make_fetcher().fetch(base + "/")

    assert result.ok, result.error
    assert result.body == body


async def test_corrupt_or_unknown_encoding_is_an_error(serve: Serve, make_fetcher: Callable[..., Fetcher]) -> None:
    base = await serve(
        [
            web.get(
                "/corrupt",
                respond(lambda r: web.Response(body=b"not gzip at all", headers={"Content-Encoding": "gzip"})),
            ),
            web.get(
                "/brotli",
                respond(lambda r: web.Response(body=b"\x0b\x01", headers={"Content-Encoding": "br"})),
            ),
        ]
    )
    fetcher = make_fetcher()

    corrupt = await fetcher.fetch(base + "/corrupt")
    brotli = await fetcher.fetch(base + "/brotli")

    assert corrupt.error is not None and corrupt.error.startswith("cannot decode gzip body")
    assert brotli.error == "unsupported Content-Encoding 'br'"


# --- size cap ----------------------------------------------------------------------------------


async def test_declared_oversized_body_is_refused_before_reading(
    raw_serve: Callable[..., Awaitable[str]], make_fetcher: Callable[..., Fetcher]
) -> None:
    async def lie(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 50000000\r\n\r\n" + b"x" * 1000)
        await writer.drain()
        await reader.read()  # send nothing more: a fetcher that waits for the body would time out

    base = await raw_serve(lie)

    result = await make_fetcher(max_bytes=MB, timeout=5).fetch(base + "/")

    assert result.error == "body larger than 1000000 bytes (Content-Length 50000000)"
    assert result.status == 200 and result.body == b""
    assert result.elapsed_s < 1


async def test_chunked_body_over_the_cap_is_cut_off_with_bounded_memory(
    serve: Serve, make_fetcher: Callable[..., Fetcher]
) -> None:
    block = b"x" * 65536
    sent = 0

    async def endless(request: web.Request) -> web.StreamResponse:
        nonlocal sent
        response = web.StreamResponse()
        response.enable_chunked_encoding()
        await response.prepare(request)
        while sent < 64 * MB:
            await response.write(block)
            sent += len(block)
        return response

    base = await serve([web.get("/", endless)])
    fetcher = make_fetcher(max_bytes=MB)

    tracemalloc.start()
    try:
        result = await fetcher.fetch(base + "/")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert result.error == "body larger than 1000000 bytes"
    assert result.body == b""
    assert peak < 8 * MB, f"peak {peak} bytes"
    assert sent < 64 * MB


@pytest.fixture(scope="module")
def gzip_bomb() -> bytes:
    """100 MB of zeros, gzip-compressed to about 100 KB."""
    squeeze = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    zeros = bytes(MB)
    return b"".join(squeeze.compress(zeros) for _ in range(100)) + squeeze.flush()


async def test_gzip_bomb_is_stopped_without_inflating_it(
    serve: Serve, make_fetcher: Callable[..., Fetcher], gzip_bomb: bytes
) -> None:
    assert len(gzip_bomb) < 200_000
    base = await serve(
        [web.get("/", respond(lambda r: web.Response(body=gzip_bomb, headers={"Content-Encoding": "gzip"})))]
    )
    fetcher = make_fetcher(max_bytes=MB)

    tracemalloc.start()
    try:
        result = await fetcher.fetch(base + "/")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert result.error == "body larger than 1000000 bytes"
    # Inflating a whole 64 KB network read at once would already take ~64 MB.
    assert peak < 8 * MB, f"peak {peak} bytes"
    assert result.elapsed_s < 2


# --- redirects ---------------------------------------------------------------------------------


async def test_relative_redirects_are_followed(serve: Serve, make_fetcher: Callable[..., Fetcher]) -> None:
    routes = [
        web.get("/old/feed", respond(lambda r: web.Response(status=301, headers={"Location": "../moved"}))),
        web.get("/moved", respond(lambda r: web.Response(status=307, headers={"Location": "/final?x=1"}))),
        web.get("/final", respond(lambda r: web.Response(text="here", headers={"ETag": '"f"'}))),
    ]
    base = await serve(routes)

    result = await make_fetcher().fetch(f"{base}/old/feed")

    assert result.ok, result.error
    assert result.body == b"here" and result.etag == '"f"'
    assert result.url == f"{base}/final?x=1"


async def test_redirect_loop_is_an_error(serve: Serve, make_fetcher: Callable[..., Fetcher]) -> None:
    seen: list[web.Request] = []
    routes = [
        web.get("/a", respond(lambda r: web.Response(status=302, headers={"Location": "/b"}), seen)),
        web.get("/b", respond(lambda r: web.Response(status=302, headers={"Location": "/a"}), seen)),
    ]
    base = await serve(routes)

    result = await make_fetcher(max_redirects=10).fetch(f"{base}/a")

    assert result.error == f"redirect loop: {base}/a was already visited"
    assert len(seen) == 2


async def test_too_many_redirects_is_an_error(serve: Serve, make_fetcher: Callable[..., Fetcher]) -> None:
    seen: list[web.Request] = []

    def onward(request: web.Request) -> web.Response:
        return web.Response(status=302, headers={"Location": f"/r/{int(request.match_info['n']) + 1}"})

    base = await serve([web.get("/r/{n}", respond(onward, seen))])

    result = await make_fetcher(max_redirects=3).fetch(f"{base}/r/0")

    assert result.error == "more than 3 redirects"
    assert len(seen) == 4  # the first request and three redirects, then stop


async def test_redirect_to_another_scheme_is_refused(serve: Serve, make_fetcher: Callable[..., Fetcher]) -> None:
    base = await serve(
        [web.get("/", respond(lambda r: web.Response(status=302, headers={"Location": "file:///etc/passwd"})))]
    )

    result = await make_fetcher().fetch(base + "/")

    assert result.error == "refused: redirect to a non-http(s) URL: 'file:///etc/passwd'"


@pytest.mark.parametrize(
    "url", ["ftp://example.com/feed.xml", "file:///etc/passwd", "not a url", "http://", "", "http://[::1"]
)
async def test_bad_urls_are_refused(
    make_fetcher: Callable[..., Fetcher], connects: list[tuple[str, int]], url: str
) -> None:
    result = await make_fetcher().fetch(url)

    assert result.error is not None
    assert result.error.startswith(("refused: not an http(s) URL", "bad URL"))
    assert result.status is None and not result.ok
    assert connects == []


# --- the address guard -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "why"),
    [
        ("http://127.0.0.2:{b_port}/", "127.0.0.2 is a loopback address"),
        ("http://10.1.2.3/", "10.1.2.3 is a private address"),
        ("http://169.254.169.254/latest/", "169.254.169.254 is a link-local address"),
    ],
)
async def test_redirect_to_private_address_is_refused(
    serve: Serve,
    raw_serve: Callable[..., Awaitable[str]],
    make_fetcher: Callable[..., Fetcher],
    connects: list[tuple[str, int]],
    target: str,
    why: str,
) -> None:
    b_connections = 0

    async def server_b(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal b_connections
        b_connections += 1

    b_port = port_of(await raw_serve(server_b, host="127.0.0.2"))
    location = target.format(b_port=b_port)
    base_a = await serve([web.get("/", respond(lambda r: web.Response(status=302, headers={"Location": location})))])
    fetcher = make_fetcher(allow_private_networks=False, allow_hosts=[f"127.0.0.1:{port_of(base_a)}"])

    result = await fetcher.fetch(base_a + "/")

    assert result.error == f"refused: {why}"
    assert connects == [("127.0.0.1", port_of(base_a))]
    assert b_connections == 0


async def test_the_same_redirect_is_followed_when_private_networks_are_allowed(
    serve: Serve, make_fetcher: Callable[..., Fetcher]
) -> None:
    base_b = await serve([web.get("/", respond(lambda r: web.Response(text="from b")))], host="127.0.0.2")
    base_a = await serve(
        [web.get("/", respond(lambda r: web.Response(status=302, headers={"Location": base_b + "/"})))]
    )

    result = await make_fetcher(allow_private_networks=True).fetch(base_a + "/")

    assert result.ok and result.body == b"from b"


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://127.0.0.1:{port}/", "127.0.0.1 is a loopback address"),
        ("http://[::1]:{port}/", "::1 is a loopback address"),
        ("http://[::ffff:127.0.0.1]:{port}/", "::ffff:127.0.0.1 is a loopback address"),
        ("http://0.0.0.0:{port}/", "0.0.0.0 is an unspecified address"),
        ("http://10.1.2.3/", "10.1.2.3 is a private address"),
        ("http://[fe80::1]/", "fe80::1 is a link-local address"),
        ("http://100.64.0.1/", "100.64.0.1 is a non-public address"),
        ("http://224.0.0.1/", "224.0.0.1 is a multicast address"),
        ("http://2130706433:{port}/", "2130706433 resolves to loopback address 127.0.0.1"),
    ],
)
async def test_literal_private_addresses_are_refused_without_connecting(
    serve: Serve,
    make_fetcher: Callable[..., Fetcher],
    connects: list[tuple[str, int]],
    url: str,
    why: str,
) -> None:
    seen: list[web.Request] = []
    base = await serve([web.get("/", respond(lambda r: web.Response(text="secret"), seen))])

    result = await make_fetcher(allow_private_networks=False).fetch(url.format(port=port_of(base)))

    assert result.error == f"refused: {why}"
    assert result.body == b""
    assert connects == []
    assert seen == []


def fake_dns(table: dict[str, Sequence[str]]) -> Callable[[str, int], Awaitable[Sequence[str]]]:
    async def resolve(host: str, port: int) -> Sequence[str]:
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return table[host]

    return resolve


@pytest.mark.parametrize(
    ("addresses", "why"),
    [
        (["10.0.0.1"], "feed.example resolves to private address 10.0.0.1"),
        (["8.8.8.8", "10.0.0.1"], "feed.example resolves to private address 10.0.0.1"),
        (
            ["8.8.8.8", "::ffff:169.254.169.254"],
            "feed.example resolves to link-local address ::ffff:169.254.169.254",
        ),
    ],
)
async def test_a_name_is_refused_if_any_of_its_addresses_is_private(
    make_fetcher: Callable[..., Fetcher], connects: list[tuple[str, int]], addresses: list[str], why: str
) -> None:
    fetcher = make_fetcher(
        allow_private_networks=False, fetcher_args={"resolver": fake_dns({"feed.example": addresses})}
    )

    result = await fetcher.fetch("http://feed.example/rss")

    assert result.error == f"refused: {why}"
    assert connects == []


async def test_allow_hosts_exempts_a_named_host_and_connects_to_the_vetted_address(
    serve: Serve, make_fetcher: Callable[..., Fetcher], connects: list[tuple[str, int]]
) -> None:
    port = port_of(await serve([web.get("/", respond(lambda r: web.Response(text="intranet")))]))
    dns = fake_dns({"intranet.test": ["127.0.0.1"]})
    allowed = make_fetcher(allow_private_networks=False, allow_hosts=["Intranet.Test"], fetcher_args={"resolver": dns})
    guarded = make_fetcher(allow_private_networks=False, fetcher_args={"resolver": dns})

    ok = await allowed.fetch(f"http://intranet.test:{port}/")
    refused = await guarded.fetch(f"http://intranet.test:{port}/")

    assert ok.ok and ok.body == b"intranet"
    # The name was never handed to the system resolver: we connected to the address we checked.
    assert connects == [("127.0.0.1", port)]
    assert refused.error == "refused: intranet.test resolves to loopback address 127.0.0.1"


async def test_unresolvable_name_is_an_error(make_fetcher: Callable[..., Fetcher]) -> None:
    fetcher = make_fetcher(fetcher_args={"resolver": fake_dns({})})

    result = await fetcher.fetch("http://nowhere.test/feed")

    assert result.error is not None
    assert result.error.startswith("cannot connect to nowhere.test:80: cannot resolve nowhere.test")


@pytest.mark.parametrize(
    ("address", "problem"),
    [
        ("93.184.215.14", None),
        ("2606:4700:4700::1111", None),
        ("192.168.1.1", "private"),
        ("172.16.0.1", "private"),
        ("::", "unspecified"),
        ("fc00::1", "private"),
        ("fec0::1", "site-local"),
        ("2002:7f00:1::", "loopback"),  # 6to4 wrapping 127.0.0.1
        ("64:ff9b::a00:1", "private"),  # NAT64 wrapping 10.0.0.1
        ("fe80::1%eth0", "link-local"),
        ("240.0.0.1", "reserved"),
    ],
)
def test_address_problem(address: str, problem: str | None) -> None:
    assert address_problem(address) == problem


def test_allow_hosts_entries_are_validated() -> None:
    with pytest.raises(ValueError, match="allow_hosts"):
        Fetcher(FetchConfig(allow_hosts=["host:port:extra:["]))


# --- timeouts, errors, Retry-After -------------------------------------------------------------


async def _dribble(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await read_request(reader)
    # 100 bytes over ~2 s: every read is quick, only a deadline on the whole exchange stops it.
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n")
    for _ in range(100):
        writer.write(b"x")
        await writer.drain()
        await asyncio.sleep(0.02)


async def _silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await read_request(reader)
    await reader.read()


@pytest.mark.parametrize("handler", [_dribble, _silent], ids=["dribbling-body", "no-response"])
async def test_slow_response_is_cut_off_at_the_deadline(
    raw_serve: Callable[..., Awaitable[str]], make_fetcher: Callable[..., Fetcher], handler: RawHandler
) -> None:
    base = await raw_serve(handler)

    result = await make_fetcher(timeout=0.3).fetch(base + "/")

    assert result.error == "timed out after 0.3s"
    assert 0.25 < result.elapsed_s < 1.0


async def test_malformed_response_is_an_error(
    raw_serve: Callable[..., Awaitable[str]], make_fetcher: Callable[..., Fetcher]
) -> None:
    async def garbage(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(b"SPDY/9 banana\r\n\r\n")
        await writer.drain()

    base = await raw_serve(garbage)

    result = await make_fetcher().fetch(base + "/")

    assert result.error is not None and result.error.startswith(f"failed talking to 127.0.0.1:{port_of(base)}")


@pytest.mark.parametrize(("status", "error"), [(404, "HTTP 404 Not Found"), (500, "HTTP 500 Internal Server Error")])
async def test_http_error_statuses_are_results(
    serve: Serve, make_fetcher: Callable[..., Fetcher], status: int, error: str
) -> None:
    base = await serve([web.get("/", respond(lambda r: web.Response(status=status, text="nope")))])

    result = await make_fetcher().fetch(base + "/")

    assert result.error == f"{error}: nope"  # a plain-text body says why
    assert result.status == status
    assert not result.ok


async def test_connection_refused_is_an_error(make_fetcher: Callable[..., Fetcher]) -> None:
    port = closed_port()

    result = await make_fetcher().fetch(f"http://127.0.0.1:{port}/")

    assert result.error == f"cannot connect to 127.0.0.1:{port}: connection refused"
    assert result.status is None


async def test_429_retry_after_seconds_holds_back_the_host(serve: Serve, make_fetcher: Callable[..., Fetcher]) -> None:
    seen: list[web.Request] = []
    base = await serve(
        [web.get("/{any}", respond(lambda r: web.Response(status=429, headers={"Retry-After": "120"}), seen))]
    )
    now = [1000.0]
    fetcher = make_fetcher(fetcher_args={"clock": lambda: now[0]})

    first = await fetcher.fetch(f"{base}/a")
    second = await fetcher.fetch(f"{base}/b")

    assert first.status == 429
    assert first.retry_after_s == 120
    assert first.error == "HTTP 429 Too Many Requests, retry after 120s"
    assert second.error == "127.0.0.1 asked us to wait; 120s to go"
    assert second.retry_after_s == 120
    assert len(seen) == 1

    now[0] += 121
    third = await fetcher.fetch(f"{base}/c")
    assert third.status == 429 and len(seen) == 2


async def test_503_retry_after_http_date(serve: Serve, make_fetcher: Callable[..., Fetcher]) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=90), usegmt=True)
    base = await serve([web.get("/", respond(lambda r: web.Response(status=503, headers={"Retry-After": when})))])
    fetcher = make_fetcher()

    result = await fetcher.fetch(base + "/")
    again = await fetcher.fetch(base + "/")

    assert result.status == 503
    assert result.retry_after_s is not None and 85 <= result.retry_after_s <= 90
    assert again.error is not None and "asked us to wait" in again.error


async def test_retry_after_is_capped_by_max_backoff(serve: Serve, make_fetcher: Callable[..., Fetcher]) -> None:
    base = await serve([web.get("/", respond(lambda r: web.Response(status=429, headers={"Retry-After": "99999999"})))])

    result = await make_fetcher(max_backoff=300).fetch(base + "/")

    assert result.retry_after_s == 300


def test_retry_after_seconds_parsing() -> None:
    now = datetime(2025, 6, 13, 12, 0, tzinfo=UTC)
    assert retry_after_seconds("120", now) == 120
    assert retry_after_seconds(" 0 ", now) == 0
    assert retry_after_seconds("Fri, 13 Jun 2025 12:01:30 GMT", now) == 90
    assert retry_after_seconds("Fri, 13 Jun 2025 12:01:30 -0000", now) == 90
    assert retry_after_seconds("Fri, 13 Jun 2025 11:00:00 GMT", now) == 0
    assert retry_after_seconds("soon", now) is None
    assert retry_after_seconds("-5", now) is None
    assert retry_after_seconds(None, now) is None


# --- politeness ---------------------------------------------------------------------------------


async def test_per_host_concurrency_limit(serve: Serve, make_fetcher: Callable[..., Fetcher]) -> None:
    active = peak = 0

    async def slow(request: web.Request) -> web.Response:
        nonlocal active, peak
        active += 1
        peak = max(peak, active)
        await asyncio.sleep(0.05)
        active -= 1
        return web.Response(text="ok")

    base = await serve([web.get("/{n}", slow)])
    fetcher = make_fetcher(per_host_limit=2)

    results = await asyncio.gather(*(fetcher.fetch(f"{base}/{n}") for n in range(6)))

    assert all(r.ok for r in results)
    assert peak == 2


async def test_per_host_minimum_interval(serve: Serve, make_fetcher: Callable[..., Fetcher]) -> None:
    arrivals: list[float] = []

    async def note(request: web.Request) -> web.Response:
        arrivals.append(time.monotonic())
        return web.Response(text="ok")

    base = await serve([web.get("/{n}", note)])
    fetcher = make_fetcher(per_host_limit=5, fetcher_args={"host_min_interval": {"127.0.0.1": 0.1}})

    results = await asyncio.gather(*(fetcher.fetch(f"{base}/{n}") for n in range(3)))

    assert all(r.ok for r in results)
    gaps = [b - a for a, b in itertools.pairwise(arrivals)]
    assert len(gaps) == 2 and min(gaps) >= 0.09


async def test_async_context_manager_closes_and_later_fetches_fail_softly(serve: Serve) -> None:
    base = await serve([web.get("/", respond(lambda r: web.Response(text="ok")))])

    async with Fetcher(FetchConfig(allow_private_networks=True)) as fetcher:
        assert (await fetcher.fetch(base + "/")).ok

    after = await fetcher.fetch(base + "/")
    assert after.error is not None and not after.ok


async def test_plain_text_error_body_is_kept_in_the_error(serve: Serve, make_fetcher: Callable[..., Fetcher]) -> None:
    """GDELT says why it refused in a plain-text body; the health record should show it."""
    message = "Please limit requests to one every 5 seconds or contact us for larger queries."

    async def limited(_: web.Request) -> web.Response:
        return web.Response(status=429, text=message + "\nmore text", headers={"Retry-After": "5"})

    async def broken(_: web.Request) -> web.Response:
        return web.Response(status=500, text="<html><body>oops</body></html>", content_type="text/html")

    base = await serve([web.get("/doc", limited), web.get("/html", broken)])
    assert (await make_fetcher().fetch(f"{base}/doc")).error == f"HTTP 429 Too Many Requests, retry after 5s: {message}"
    assert (await make_fetcher().fetch(f"{base}/html")).error == "HTTP 500 Internal Server Error"
