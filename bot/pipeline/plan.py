"""Plan: watchlist x per-company source kinds -> the sources to poll, kept in step with the store.

A `google_news`, `gdelt`, `hackernews` or `edgar` entry in the config is a template: every
watched company gets its own source of that kind, so adding a company from chat is all it
takes for it to be covered, and removing it removes its searches. An `edgar` source needs a
CIK: the company's own `cik`, else one looked up by its tickers in the store's copy of SEC's
ticker file (kept fresh by the app, see `bot.sources.sec_tickers`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from urllib.parse import urlsplit, urlunsplit

from bot.config import PER_COMPANY_KINDS, SourceConfig
from bot.model import Company, SourceSpec
from bot.ports import Store
from bot.sources import queries
from bot.sources.sec_tickers import company_tickers

log = logging.getLogger(__name__)


def _with_endpoint(url: str, endpoint: str | None) -> str:
    """Points a built search URL at another endpoint (a mirror, a proxy, a test server), keeping its query."""
    if not endpoint:
        return url
    built, base = urlsplit(url), urlsplit(endpoint)
    return urlunsplit((base.scheme, base.netloc, base.path, built.query, ""))


def source_url(template: SourceConfig, company: Company) -> str | None:
    """The URL this kind polls for this company, or None when the company cannot have one."""
    if template.kind == "google_news":
        url = queries.google_news_url(company, lang=template.lang, region=template.region, recency=template.recency)
    elif template.kind == "gdelt":
        url = queries.gdelt_url(company)
    elif template.kind == "hackernews":
        url = queries.hackernews_url(company)
    elif template.kind == "edgar":
        if not company.cik:
            return None
        url = queries.edgar_company_url(company.cik)
    else:
        return None
    return _with_endpoint(url, template.url)


def plan_sources(
    companies: Sequence[Company], templates: Sequence[SourceConfig], ciks: Mapping[str, str] | None = None
) -> list[SourceSpec]:
    """One source per (template, company). `ciks` (company name -> CIK) stands in for a `cik` the
    company lacks, so it may have an edgar source."""
    found = ciks or {}
    companies = [replace(c, cik=found[c.name]) if not c.cik and found.get(c.name) else c for c in companies]
    specs: list[SourceSpec] = []
    for template in templates:
        if template.kind not in PER_COMPANY_KINDS:
            continue
        for company in companies:
            try:
                url = source_url(template, company)
            except ValueError as exc:  # a name with nothing searchable in it
                log.warning("no %s source for %s: %s", template.kind, company.name, exc)
                continue
            if url is not None:
                specs.append(
                    SourceSpec(
                        kind=template.kind,
                        url=url,
                        interval_s=int(template.interval),
                        backfill_s=int(template.backfill),
                        company=company.name,
                    )
                )
    return specs


async def ticker_ciks(store: Store, companies: Sequence[Company]) -> dict[str, str]:
    """Company name -> CIK from the cached ticker file, for companies without a `cik` of their own;
    of a company's tickers the first the file knows counts."""
    wanted = {c.name: tickers for c in companies if not c.cik and (tickers := company_tickers(c))}
    if not wanted:
        return {}
    known = await store.sec_ticker_ciks(sorted({t for tickers in wanted.values() for t in tickers}))
    return {
        name: next(known[t] for t in tickers if t in known)
        for name, tickers in wanted.items()
        if any(t in known for t in tickers)
    }


async def reconcile_sources(
    store: Store, templates: Sequence[SourceConfig], now: datetime, ciks: Mapping[str, str] | None = None
) -> tuple[int, int]:
    """Adds the planned per-company sources the store lacks and removes those no longer planned.
    Sources added by hand (no company) are never touched. Returns (added, removed).

    `ciks` (company name -> CIK) is used for companies without a `cik`; None looks them up in the
    store's ticker cache, so no caller drops an edgar source only because it did not pass them."""
    if not any(t.kind in PER_COMPANY_KINDS for t in templates):
        return 0, 0
    companies = await store.list_companies()
    if ciks is None:
        ciks = await ticker_ciks(store, companies) if any(t.kind == "edgar" for t in templates) else {}
    wanted = {(s.kind, s.url): s for s in plan_sources(companies, templates, ciks)}
    existing = await store.list_sources()
    have = {(s.kind, s.url) for s in existing}
    removed = 0
    for source in existing:
        if source.company is not None and source.kind in PER_COMPANY_KINDS and (source.kind, source.url) not in wanted:
            removed += await store.remove_source(source.id)
    added = 0
    for key, spec in wanted.items():
        if key not in have:
            await store.upsert_source(spec, now)
            added += 1
    if added or removed:
        log.info("per-company sources: %d added, %d removed", added, removed)
    return added, removed
