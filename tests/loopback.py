"""Test servers on loopback: an aiohttp app on a free port, and SEC's company Atom feed in its real format."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from aiohttp import web

ITEM_NAMES = {
    "1.01": "Entry into a Material Definitive Agreement",
    "1.02": "Termination of a Material Definitive Agreement",
    "2.01": "Completion of Acquisition or Disposition of Assets",
    "9.01": "Financial Statements and Exhibits",
}


@asynccontextmanager
async def serve_app(app: web.Application) -> AsyncIterator[str]:
    """Runs `app` on 127.0.0.1 on a free port; yields its base URL."""
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


def edgar_8k_feed(*, cik: str, company: str, accession: str, filed: datetime, items: tuple[str, ...]) -> bytes:
    """A `browse-edgar?action=getcompany&output=atom` answer with one 8-K, encoded as SEC does (ISO-8859-1)."""
    filed = filed.astimezone(UTC)
    index = f"https://www.sec.gov/Archives/edgar/data/{int(cik)}/{accession.replace('-', '')}/{accession}-index.htm"
    listed = " and ".join(items)
    described = "".join(f"&lt;br&gt;Item {i}: {ITEM_NAMES.get(i, 'Other Events')}" for i in items)
    return f"""<?xml version="1.0" encoding="ISO-8859-1" ?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <company-info><cik>{cik}</cik><conformed-name>{company}</conformed-name></company-info>
  <entry>
    <category label="form type" scheme="https://www.sec.gov/" term="8-K" />
    <content type="text/xml">
      <accession-number>{accession}</accession-number>
      <filing-date>{filed:%Y-%m-%d}</filing-date>
      <filing-href>{index}</filing-href>
      <filing-type>8-K</filing-type>
      <form-name>Current report</form-name>
      <items-desc>items {listed}</items-desc>
    </content>
    <id>urn:tag:sec.gov,2008:accession-number={accession}</id>
    <link href="{index}" rel="alternate" type="text/html" />
    <summary type="html"> &lt;b&gt;Filed:&lt;/b&gt; {filed:%Y-%m-%d} &lt;b&gt;AccNo:&lt;/b&gt; {accession}
      {described}</summary>
    <title>8-K  - Current report</title>
    <updated>{filed:%Y-%m-%dT%H:%M:%S}+00:00</updated>
  </entry>
</feed>
""".encode("iso-8859-1")
