"""Fetch: source URL -> FetchResult; the only module in dealwatch that makes HTTP requests."""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import math
import re
import socket
import ssl
import time
import zlib
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from importlib.metadata import PackageNotFoundError, version
from types import TracebackType

import httpcore
import httpx

from bot.config import FetchConfig
from bot.model import FetchResult

log = logging.getLogger(__name__)

Resolver = Callable[[str, int], Awaitable[Sequence[str]]]
"""(host, port) -> IP addresses as strings; raises OSError when the name does not resolve."""

ACCEPT = "application/rss+xml, application/atom+xml, application/json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_NAT64 = ipaddress.ip_network("64:ff9b::/96")

try:
    _VERSION = version("dealwatch")
except PackageNotFoundError:  # running from a source tree that was never installed
    _VERSION = "0"


def default_user_agent(contact: str) -> str:
    return f"dealwatch/{_VERSION} (+{contact})"


class _Refused(Exception):
    """The SSRF guard said no; raised inside the connection pool, before any socket opens."""


async def _system_resolve(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def address_problem(address: str) -> str | None:
    """Why an address must not be fetched from ('loopback', 'private', ...), or None if it is public."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        # An IPv4 address wrapped in IPv6 reaches the IPv4 host; judge that host.
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return address_problem(str(embedded))
        if ip.is_site_local:
            return "site-local"
    checks = (
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("reserved", ip.is_reserved),
        ("private", ip.is_private),
        ("non-public", not ip.is_global),
    )
    return next((name for name, hit in checks if hit), None)


def _parse_allow_hosts(entries: Iterable[str]) -> set[tuple[str, int | None]]:
    allowed: set[tuple[str, int | None]] = set()
    for entry in entries:
        text = entry.strip().lower()
        m = re.fullmatch(r"\[([^\]]+)\](?::(\d+))?|([^:\[\]]+)(?::(\d+))?|([0-9a-f:]+)", text)
        if not m:
            raise ValueError(f"fetch.allow_hosts: {entry!r} is not a host or host:port")
        host = m[1] or m[3] or m[5]
        port = m[2] or m[4]
        allowed.add((host, int(port) if port else None))
    return allowed


class _GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolves, vets and then connects to the vetted address itself.

    Checking in the connect step (rather than only before sending) means DNS cannot answer
    differently between the check and the connection (DNS rebinding), and every redirect hop
    that opens a connection is checked.
    """

    def __init__(self, resolve: Resolver, allow_private: bool, allow_hosts: Iterable[str]) -> None:
        self._resolve = resolve
        self._allow_private = allow_private
        self._allow_hosts = _parse_allow_hosts(allow_hosts)
        self._inner = httpcore.AnyIOBackend()

    def _exempt(self, host: str, port: int) -> bool:
        host = host.lower()
        return self._allow_private or (host, None) in self._allow_hosts or (host, port) in self._allow_hosts

    async def _addresses(self, host: str, port: int) -> list[str]:
        try:
            ipaddress.ip_address(host)
            addresses = [host]
        except ValueError:
            try:
                addresses = list(dict.fromkeys(await self._resolve(host, port)))
            except OSError as exc:
                raise httpcore.ConnectError(f"cannot resolve {host}: {exc.strerror or exc}") from exc
            if not addresses:
                raise httpcore.ConnectError(f"cannot resolve {host}: no addresses") from None
        if not self._exempt(host, port):
            for address in addresses:
                problem = address_problem(address)
                if problem and address == host:
                    article = "an" if problem[0] in "aeiou" else "a"
                    raise _Refused(f"{host} is {article} {problem} address")
                if problem:
                    raise _Refused(f"{host} resolves to {problem} address {address}")
        return addresses

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        failure: httpcore.ConnectError | None = None
        for address in await self._addresses(host, port):
            try:
                return await self._inner.connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:
                failure = exc
        assert failure is not None
        raise failure

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class _CoreBody(httpx.AsyncByteStream):
    def __init__(self, stream: AsyncIterable[bytes]) -> None:
        self._stream = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for part in self._stream:
            yield part

    async def aclose(self) -> None:
        close = getattr(self._stream, "aclose", None)
        if close is not None:
            await close()


class _GuardedTransport(httpx.AsyncBaseTransport):
    """What httpx.AsyncHTTPTransport does, minus proxies, over the guarded backend.

    httpx has no public way to hand its transport a network backend, so this builds the pool itself.
    """

    def __init__(self, backend: httpcore.AsyncNetworkBackend) -> None:
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=100,
            max_keepalive_connections=20,
            keepalive_expiry=30.0,
            network_backend=backend,
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.AsyncByteStream)
        core = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        response = await self._pool.handle_async_request(core)
        assert isinstance(response.stream, AsyncIterable)
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_CoreBody(response.stream),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        await self._pool.aclose()


class _BadEncoding(Exception):
    pass


class _Decoder:
    """Undoes Content-Encoding with zlib's max_length, so a gzip bomb never inflates past the cap.

    httpx's aiter_bytes() inflates each network read in one call: a 64 KB read of a gzip bomb
    becomes ~64 MB in memory before the size check can run.
    """

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self._zlib: zlib._Decompress | None = None
        if encoding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif encoding == "deflate":
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS)
        self._started = False

    def feed(self, data: bytes, limit: int) -> bytes:
        """Decoded bytes for `data`, at most `limit` of them (more would be over the cap anyway)."""
        if self._zlib is None:
            return data
        try:
            return self._inflate(data, limit)
        except zlib.error as exc:
            if self.encoding == "deflate" and not self._started:
                # Some servers send raw deflate without the zlib wrapper that HTTP asks for.
                self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                try:
                    return self._inflate(data, limit)
                except zlib.error:
                    pass
            raise _BadEncoding(f"cannot decode {self.encoding} body: {exc}") from None

    def finish(self) -> bytes:
        if self._zlib is None:
            return b""
        try:
            return self._zlib.flush()
        except zlib.error as exc:
            raise _BadEncoding(f"cannot decode {self.encoding} body: {exc}") from None

    def _inflate(self, data: bytes, limit: int) -> bytes:
        assert self._zlib is not None
        out = bytearray()
        while data and len(out) < limit:
            out += self._zlib.decompress(data, limit - len(out))
            data = self._zlib.unconsumed_tail
            self._started = True
        return bytes(out)


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP-date); None if absent or unreadable."""
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # "-0000" parses naive; HTTP-dates are always GMT
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


@dataclass(frozen=True)
class _Redirect:
    location: str


async def _error_detail(response: httpx.Response, limit: int = 1024) -> str:
    """The first line of a plain-text error body (GDELT explains its 429s and errors that way), or ''.
    HTML error pages and compressed bodies say nothing a health record needs."""
    if response.headers.get("content-encoding", "identity").strip().lower() not in ("", "identity"):
        return ""
    raw = bytearray()
    try:
        async for chunk in response.aiter_raw():
            raw += chunk
            if len(raw) >= limit:
                break
    except (httpx.HTTPError, httpcore.NetworkError, httpcore.ProtocolError, OSError):
        return ""
    text = bytes(raw[:limit]).decode("utf-8", "replace").strip()
    if not text or text.startswith("<"):
        return ""
    line = " ".join(text.splitlines()[0].split())
    return f": {line[:200]}"


def _status_text(code: int, reason: str) -> str:
    try:
        return f"HTTP {code} {HTTPStatus(code).phrase}"
    except ValueError:
        return f"HTTP {code} {reason[:60]}".rstrip()


def _describe(exc: BaseException) -> str:
    """A short message for a transport failure; the root cause is usually the useful part."""
    chain: list[BaseException] = []
    cur: BaseException | None = exc
    while cur is not None and cur not in chain:
        chain.append(cur)
        cur = cur.__cause__ or cur.__context__
    if any(isinstance(e, ConnectionRefusedError) for e in chain):
        return "connection refused"
    if any(isinstance(e, ConnectionResetError) for e in chain):
        return "connection reset"
    for e in chain:
        if isinstance(e, ssl.SSLError):
            return f"TLS error: {e.reason or e}"
    return str(exc) or type(exc).__name__


class Fetcher:
    """GETs source URLs politely and defensively; one shared connection pool per instance.

    `resolver` replaces DNS (tests map made-up names to loopback); `host_min_interval` spaces out
    requests per host (seconds between starts); `clock` is the monotonic clock for those waits.
    """

    def __init__(
        self,
        config: FetchConfig,
        *,
        user_agent: str | None = None,
        resolver: Resolver | None = None,
        host_min_interval: Mapping[str, float] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._config = config
        self._min_interval = {host.lower(): s for host, s in (host_min_interval or {}).items()}
        self._clock = clock
        self._slots: dict[str, asyncio.Semaphore] = {}
        self._next_start: dict[str, float] = {}
        self._not_before: dict[str, float] = {}
        backend = _GuardedBackend(resolver or _system_resolve, config.allow_private_networks, config.allow_hosts)
        self._client = httpx.AsyncClient(
            transport=_GuardedTransport(backend),
            headers={
                "User-Agent": user_agent or default_user_agent(config.contact),
                "Accept": ACCEPT,
                "Accept-Encoding": "gzip, deflate",
            },
            timeout=httpx.Timeout(config.timeout),
            follow_redirects=False,
            # Environment proxies would route around the address guard; netrc would leak credentials.
            trust_env=False,
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def fetch(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> FetchResult:
        """GET `url`, following redirects; `result.url` is where the body finally came from.

        The timeout bounds each request (connect, headers and the whole body), not the time spent
        queueing for one of the host's slots.

        On 304 the validators sent are returned unless the server sent new ones, so the caller
        can always store `result.etag` / `result.last_modified` as they are.
        """
        started = time.monotonic()
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            result = await self._follow(url, headers)
        except Exception as exc:  # the contract is "never raises"; a bug here must not stop a poll
            log.exception("unexpected error fetching %s", url)
            result = FetchResult(url=url, status=None, error=f"unexpected error: {exc!r}")
        if result.not_modified:
            result = replace(result, etag=result.etag or etag, last_modified=result.last_modified or last_modified)
        return replace(result, elapsed_s=time.monotonic() - started)

    async def _follow(self, url: str, headers: Mapping[str, str]) -> FetchResult:
        try:
            current = httpx.URL(url)
        except (httpx.InvalidURL, TypeError) as exc:
            return FetchResult(url=url, status=None, error=f"bad URL {url!r}: {exc}")
        seen: set[str] = set()
        asked_for = url  # as written, for messages: httpx re-renders odd URLs
        for hop in range(self._config.max_redirects + 1):
            if current.scheme not in ("http", "https") or not current.host:
                what = "not an http(s) URL with a host" if hop == 0 else "redirect to a non-http(s) URL"
                return FetchResult(url=asked_for, status=None, error=f"refused: {what}: {asked_for[:200]!r}")
            key = str(current.copy_with(fragment=None))
            if key in seen:
                return FetchResult(url=key, status=None, error=f"redirect loop: {key} was already visited")
            seen.add(key)
            outcome = await self._hop(current, headers)
            if isinstance(outcome, FetchResult):
                return outcome
            asked_for = outcome.location
            try:
                current = current.join(outcome.location)
            except httpx.InvalidURL:
                return FetchResult(url=key, status=None, error=f"bad redirect Location {asked_for[:200]!r}")
        return FetchResult(url=str(current), status=None, error=f"more than {self._config.max_redirects} redirects")

    def _wait_left(self, host: str) -> float | None:
        until = self._not_before.get(host)
        if until is None:
            return None
        left = until - self._clock()
        if left <= 0:
            del self._not_before[host]
            return None
        return left

    @asynccontextmanager
    async def _turn(self, host: str) -> AsyncIterator[None]:
        """Hold one of the host's `per_host_limit` slots, spaced by its minimum interval."""
        slot = self._slots.get(host)
        if slot is None:
            slot = self._slots[host] = asyncio.Semaphore(self._config.per_host_limit)
        async with slot:
            interval = self._min_interval.get(host, 0.0)
            if interval > 0:
                # Reserve a start time without awaiting in between, so concurrent callers queue up.
                now = self._clock()
                start = max(now, self._next_start.get(host, now))
                self._next_start[host] = start + interval
                if start > now:
                    await asyncio.sleep(start - now)
            yield

    def _asked_to_wait(self, url: httpx.URL) -> FetchResult | None:
        left = self._wait_left(url.host)
        if left is None:
            return None
        return FetchResult(
            url=str(url),
            status=None,
            error=f"{url.host} asked us to wait; {math.ceil(left)}s to go",
            retry_after_s=left,
        )

    async def _hop(self, url: httpx.URL, headers: Mapping[str, str]) -> FetchResult | _Redirect:
        host = url.host
        if waiting := self._asked_to_wait(url):
            return waiting
        async with self._turn(host):
            # Checked again: the host may have said "wait" while we queued for a slot.
            if waiting := self._asked_to_wait(url):
                return waiting
            timeout = self._config.timeout
            try:
                async with asyncio.timeout(timeout):
                    return await self._exchange(url, headers)
            except (TimeoutError, httpx.TimeoutException, httpcore.TimeoutException):
                return FetchResult(url=str(url), status=None, error=f"timed out after {timeout:g}s")
            except _Refused as exc:
                return FetchResult(url=str(url), status=None, error=f"refused: {exc}")
            except (httpx.HTTPError, httpcore.NetworkError, httpcore.ProtocolError, OSError) as exc:
                port = url.port or (443 if url.scheme == "https" else 80)
                doing = "cannot connect to" if isinstance(exc, httpcore.ConnectError) else "failed talking to"
                return FetchResult(url=str(url), status=None, error=f"{doing} {host}:{port}: {_describe(exc)}")

    async def _exchange(self, url: httpx.URL, headers: Mapping[str, str]) -> FetchResult | _Redirect:
        async with self._client.stream("GET", url, headers=headers) as response:
            status = response.status_code
            if status in _REDIRECTS:
                location = response.headers.get("location")
                if not location:
                    return FetchResult(
                        url=str(url), status=status, error=f"{_status_text(status, '')} without a Location"
                    )
                return _Redirect(location)
            result = FetchResult(
                url=str(url),
                status=status,
                headers={k.lower(): v for k, v in response.headers.items()},
                etag=response.headers.get("etag"),
                last_modified=response.headers.get("last-modified"),
            )
            if status == 304:
                return replace(result, not_modified=True)
            if status in (429, 503):
                waited = self._told_to_wait(url.host, result, response.headers.get("retry-after"))
                return replace(waited, error=f"{waited.error}{await _error_detail(response)}")
            if not 200 <= status < 300:
                detail = await _error_detail(response)
                return replace(result, error=_status_text(status, response.reason_phrase) + detail)
            body = await self._read_body(response)
            if isinstance(body, str):
                return replace(result, error=body)
            return replace(result, body=body)

    def _told_to_wait(self, host: str, result: FetchResult, header: str | None) -> FetchResult:
        error = _status_text(result.status or 0, "")
        wait = retry_after_seconds(header, datetime.now(UTC))
        if wait is not None:
            # A hostile or broken server must not park a source for years.
            wait = min(wait, self._config.max_backoff)
            self._not_before[host] = self._clock() + wait
            error += f", retry after {wait:g}s"
        return replace(result, error=error, retry_after_s=wait)

    async def _read_body(self, response: httpx.Response) -> bytes | str:
        """The decoded body, or why it was given up on; never holds more than the cap plus one read."""
        cap = self._config.max_bytes
        too_large = f"body larger than {cap} bytes"
        declared = response.headers.get("content-length", "").strip()
        if declared.isdigit() and int(declared) > cap:
            return f"{too_large} (Content-Length {declared})"
        encodings = [e.strip().lower() for e in response.headers.get("content-encoding", "").split(",")]
        encodings = [e for e in encodings if e and e != "identity"]
        if len(encodings) > 1 or (encodings and encodings[0] not in ("gzip", "x-gzip", "deflate")):
            return f"unsupported Content-Encoding {', '.join(encodings)!r}"
        decoder = _Decoder(encodings[0] if encodings else "identity")
        body = bytearray()
        try:
            async for raw in response.aiter_raw():
                body += decoder.feed(raw, cap - len(body) + 1)
                if len(body) > cap:
                    return too_large
            body += decoder.finish()
        except _BadEncoding as exc:
            return str(exc)
        return too_large if len(body) > cap else bytes(body)
