"""A real HTTP server on loopback that serves an RSS feed with ETags, for end-to-end tests."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape


@dataclass
class Item:
    title: str
    outlet: str
    published: datetime
    summary: str = ""
    guid: str = ""


@dataclass
class Feed:
    """The feed's current items; tests add items between polls."""

    items: list[Item] = field(default_factory=list)
    requests: list[dict[str, str]] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)

    def render(self) -> bytes:
        entries = []
        for i, it in enumerate(self.items):
            guid = it.guid or f"urn:dw-test:{i}"
            entries.append(
                "<item>"
                f"<title>{escape(it.title)}</title>"
                f"<link>https://news.example/{i}?utm_source=rss</link>"
                f'<guid isPermaLink="false">{guid}</guid>'
                f"<pubDate>{format_datetime(it.published)}</pubDate>"
                f"<description>{escape(it.summary)}</description>"
                f'<source url="https://{it.outlet.lower().replace(" ", "")}.example/rss">{escape(it.outlet)}</source>'
                "</item>"
            )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
            "<title>Deal Wire Digest</title><link>https://news.example/</link>"
            "<description>Test feed</description>" + "".join(entries) + "</channel></rss>"
        ).encode()


@contextmanager
def serve_feed(feed: Feed) -> Iterator[str]:
    """Serves `feed` at http://127.0.0.1:PORT/feed.xml with ETag / If-None-Match support."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            feed.requests.append({k.lower(): v for k, v in self.headers.items()})
            if self.path.split("?")[0] != "/feed.xml":
                self.send_response(404)
                self.end_headers()
                feed.statuses.append(404)
                return
            body = feed.render()
            etag = '"' + hashlib.sha1(body).hexdigest() + '"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                feed.statuses.append(304)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", etag)
            self.end_headers()
            self.wfile.write(body)
            feed.statuses.append(200)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/feed.xml"
    finally:
        server.shutdown()
        server.server_close()
