"""Parse for `edgar` sources (bytes -> Articles): SEC EDGAR filings, and the deal events some forms state outright.

One module reads every EDGAR payload a source may point at, told apart by their shape:

- the company Atom feed (`browse-edgar?action=getcompany&CIK=...&output=atom`, `<company-info>` on top);
- the latest-filings Atom feed (`action=getcurrent`), which lists a filing once per party;
- the company-search Atom feed (`action=getcompany&company=...`): companies, not filings, so no
  articles (`[]`), the same as a feed with no filings in it;
- the submissions JSON (`data.sec.gov/submissions/CIK##########.json`, columnar `filings.recent`)
  and its older pages (`CIK##########-submissions-001.json`: the same columns, no wrapper, no CIK);
- full-text search JSON (`efts.sec.gov/LATEST/search-index`), 2021 and 2025 schemas, whose hits are
  documents, several per filing.

Every filing is one Article keyed by its accession number, whichever payload it came from.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from bot.model import Article, DealEvent, EventType, Status
from bot.sources import ParseError
from bot.sources.text import charset_from_content_type, collapse_whitespace, html_to_text, repair_xml_encoding

PUBLISHER = "SEC EDGAR"
ARCHIVES = "https://www.sec.gov/Archives/edgar/data"

# Form 8-K item numbers (the numbering in use since August 2004) and what each reports.
ITEM_NAMES: Mapping[str, str] = {
    "1.01": "Entry into a Material Definitive Agreement",
    "1.02": "Termination of a Material Definitive Agreement",
    "1.03": "Bankruptcy or Receivership",
    "1.04": "Mine Safety - Reporting of Shutdowns and Patterns of Violations",
    "1.05": "Material Cybersecurity Incidents",
    "2.01": "Completion of Acquisition or Disposition of Assets",
    "2.02": "Results of Operations and Financial Condition",
    "2.03": "Creation of a Direct Financial Obligation",
    "2.04": "Triggering Events That Accelerate or Increase a Direct Financial Obligation",
    "2.05": "Costs Associated with Exit or Disposal Activities",
    "2.06": "Material Impairments",
    "3.01": "Notice of Delisting or Failure to Satisfy a Continued Listing Rule or Standard",
    "3.02": "Unregistered Sales of Equity Securities",
    "3.03": "Material Modification to Rights of Security Holders",
    "4.01": "Changes in Registrant's Certifying Accountant",
    "4.02": "Non-Reliance on Previously Issued Financial Statements",
    "5.01": "Changes in Control of Registrant",
    "5.02": "Departure or Appointment of Directors or Certain Officers",
    "5.03": "Amendments to Articles of Incorporation or Bylaws; Change in Fiscal Year",
    "5.04": "Temporary Suspension of Trading Under Registrant's Employee Benefit Plans",
    "5.05": "Amendments to the Registrant's Code of Ethics, or Waiver of a Provision of the Code of Ethics",
    "5.06": "Change in Shell Company Status",
    "5.07": "Submission of Matters to a Vote of Security Holders",
    "5.08": "Shareholder Director Nominations",
    "7.01": "Regulation FD Disclosure",
    "8.01": "Other Events",
    "9.01": "Financial Statements and Exhibits",
}

# Names for the forms payloads that carry none (submissions, full-text search) are most likely to show.
FORM_NAMES: Mapping[str, str] = {
    "8-K": "Current report",
    "10-K": "Annual report",
    "10-Q": "Quarterly report",
    "D": "Notice of exempt offering of securities",
    "S-4": "Registration of securities issued in business combination transactions",
    "DEFM14A": "Definitive proxy statement relating to a merger, acquisition or disposition",
    "425": "Prospectus or communication relating to a business combination",
    "SC 13D": "Beneficial ownership report (active investor)",
    "SC 13G": "Beneficial ownership report (passive investor)",
    "SCHEDULE 13D": "Beneficial ownership report (active investor)",
    "SCHEDULE 13G": "Beneficial ownership report (passive investor)",
}

_ACCESSION = re.compile(r"\b(\d{10}-\d{2}-\d{6})\b")
_ITEM_NUMBER = re.compile(r"\b(\d{1,2}\.\d{2})\b")
_SUMMARY_ITEM = re.compile(r"\bItem (\d{1,2}\.\d{2})\b")
_CURRENT_TITLE = re.compile(r"^(?P<form>.+?) - (?P<name>.*) \((?P<cik>\d{1,10})\) \((?P<role>[^()]+)\)\s*$")
_ARCHIVE_CIK = re.compile(r"/Archives/edgar/data/(\d{1,10})/")
_CIK_IN_URL = re.compile(r"CIK(\d{10})", re.IGNORECASE)
_DISPLAY_SUFFIX = re.compile(r"\s*\((?:CIK \d{1,10}|[A-Z0-9.\-]+(?:,\s*[A-Z0-9.\-]+)*)\)\s*$")
_HTML_TITLE = re.compile(rb"<title[^>]*>(.*?)</title", re.IGNORECASE | re.DOTALL)
_SCHEDULE_13 = re.compile(r"^(?:SC|SCHEDULE) 13([DG])(?:/A)?$")
# In the latest-filings feed, who each listed party is; the filing is told under the first of these.
_ROLE_ORDER = ("subject", "issuer", "filer", "filed by", "reporting")
_MAX_REASON_CHARS = 200


@dataclass(frozen=True)
class _Filing:
    accession: str
    form: str
    company: str
    cik: str  # ten digits, or "" when the payload does not say
    items: tuple[str, ...]
    published: datetime | None
    description: str = ""
    url: str = ""
    filed_by: str = ""


def parse(body: bytes, headers: Mapping[str, str], fetched_at: datetime) -> list[Article]:
    """Every filing in an EDGAR payload, in the payload's order, one per accession number."""
    start = body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if not start:
        raise ParseError("empty body")
    if start in (b"{", b"["):
        filings = list(_json_filings(_load_json(body), headers))
    elif start == b"<":
        filings = list(_atom_filings(body, headers))
    else:
        raise ParseError(f"not an EDGAR payload: {_first_line(body)}")
    articles: dict[str, Article] = {}
    for filing in filings:
        if filing.accession not in articles:
            articles[filing.accession] = _article(filing, fetched_at)
    return list(articles.values())


def _shown_items(filing: _Filing) -> tuple[str, ...]:
    """Items worth naming in a title: an 8-K's. Form D's `items` are exemption codes (`06b,3C`)."""
    return filing.items if filing.form.upper().startswith("8-K") else ()


def _article(filing: _Filing, fetched_at: datetime) -> Article:
    extra = {
        "form": filing.form,
        "items": ",".join(filing.items),
        "accession": filing.accession,
        "cik": filing.cik,
        "company": filing.company,
    }
    if filing.filed_by:
        extra["filed_by"] = filing.filed_by
    return Article(
        key=filing.accession,
        title=filing_title(filing.form, filing.company, _shown_items(filing), filing.accession),
        summary=_summary(filing),
        url=filing.url or index_url(filing.cik, filing.accession),
        publisher=PUBLISHER,
        published=filing.published or fetched_at,
        extra=extra,
    )


def filing_title(form: str, company: str, items: Sequence[str], accession: str) -> str:
    """`8-K: Apple Inc. — Items 2.02, 9.01`: the form first, since that is what says what happened."""
    title = f"{form}: {company or f'filing {accession}'}"
    if items:
        title += f" — Item{'s' if len(items) > 1 else ''} {', '.join(items)}"
    return title


def _summary(filing: _Filing) -> str:
    parts = [filing.description or FORM_NAMES.get(filing.form.removesuffix("/A"), "")]
    parts += [f"Item {n}: {ITEM_NAMES[n]}" if n in ITEM_NAMES else f"Item {n}" for n in _shown_items(filing)]
    if filing.filed_by:
        parts.append(f"Filed by {filing.filed_by}")
    return " ".join(part if part.endswith(".") else f"{part}." for part in parts if part)


def index_url(cik: str, accession: str) -> str:
    """The filing's index page, which links every document of it; "" without a CIK to file it under."""
    if not cik.isdigit() or not cik.strip("0") or not _ACCESSION.fullmatch(accession):
        return ""
    return f"{ARCHIVES}/{int(cik)}/{accession.replace('-', '')}/{accession}-index.htm"


# ---------------------------------------------------------------------------
# Atom: company feed, latest filings, company search
# ---------------------------------------------------------------------------


def _atom_filings(body: bytes, headers: Mapping[str, str]) -> Iterator[_Filing]:
    root = _xml_root(body, headers)
    company_info = _child(root, "company-info")
    company = _text(company_info, "conformed-name")
    cik = _cik(_text(company_info, "cik"))
    current: list[tuple[_Filing, str]] = []
    for entry in _children(root, "entry"):
        content = _child(entry, "content")
        if _child(content, "company-info") is not None:
            continue  # a company-search hit: a company, not a filing
        if company_info is not None:
            filing = _company_feed_filing(entry, content, company, cik)
            if filing is not None:
                yield filing
        else:
            listed = _current_filing(entry)
            if listed is not None:
                current.append(listed)
    yield from _merge_parties(current)


def _xml_root(body: bytes, headers: Mapping[str, str]) -> ET.Element:
    head = body.lstrip()[:200].lower()
    if head.startswith((b"<!doctype html", b"<html")):
        title = _HTML_TITLE.search(body[:4000])
        what = collapse_whitespace(html_to_text(title.group(1).decode("utf-8", "replace"))) if title else ""
        raise ParseError(_clip(f"not an EDGAR payload: an HTML page{f' ({what})' if what else ''}"))
    if b"<!DOCTYPE" in body[:2000].upper() or b"<!ENTITY" in body.upper():
        # EDGAR never sends one, and entity declarations are how XML bombs are built.
        raise ParseError("not an EDGAR payload: XML with a DOCTYPE")
    repaired = repair_xml_encoding(body, charset_from_content_type(headers.get("content-type")))
    try:
        root = ET.fromstring(repaired if repaired is not None else body)
    except ET.ParseError as exc:
        raise ParseError(_clip(f"not well-formed XML: {exc}")) from exc
    if _local(root.tag) != "feed":
        raise ParseError(f"not an EDGAR Atom feed: root element <{_local(root.tag)}>")
    return root


def _company_feed_filing(entry: ET.Element, content: ET.Element | None, company: str, cik: str) -> _Filing | None:
    accession = _text(content, "accession-number") or _accession_in(_text(entry, "id"))
    if not accession:
        return None
    category = _child(entry, "category")
    form = _text(content, "filing-type") or (category.get("term", "") if category is not None else "")
    items = _items(_text(content, "items-desc")) or _summary_items(html_to_text(_text(entry, "summary")))
    published = _iso_utc(_text(entry, "updated")) or _date_utc(_text(content, "filing-date"))
    url = _text(content, "filing-href") or _link(entry)
    return _Filing(
        accession=accession,
        form=collapse_whitespace(form),
        company=company,
        cik=cik or _archive_cik(url),
        items=items,
        published=published,
        description=_text(content, "form-name"),
        url=url,
    )


def _current_filing(entry: ET.Element) -> tuple[_Filing, str] | None:
    """One line of the latest-filings feed, with the role of the party it names."""
    summary = html_to_text(_text(entry, "summary"))
    accession = _accession_in(_text(entry, "id")) or _accession_in(summary)
    if not accession:
        return None
    title = collapse_whitespace(_text(entry, "title"))
    match = _CURRENT_TITLE.match(title)
    category = _child(entry, "category")
    form = (category.get("term", "") if category is not None else "") or (match.group("form") if match else "")
    filed = re.search(r"Filed:\s*(\d{4}-\d{2}-\d{2})", summary)
    url = _link(entry)
    filing = _Filing(
        accession=accession,
        form=collapse_whitespace(form),
        company=match.group("name").strip() if match else title,
        cik=_cik(match.group("cik")) if match else _archive_cik(url),
        items=_summary_items(summary),
        published=_iso_utc(_text(entry, "updated")) or (_date_utc(filed.group(1)) if filed else None),
        url=url,
    )
    return filing, (match.group("role").strip().lower() if match else "")


def _merge_parties(listed: Sequence[tuple[_Filing, str]]) -> Iterator[_Filing]:
    """One filing per accession number, told under its subject (or issuer, or filer), naming who filed it."""
    groups: dict[str, list[tuple[_Filing, str]]] = {}
    for filing, role in listed:
        groups.setdefault(filing.accession, []).append((filing, role))
    for parties in groups.values():
        ranked = sorted(parties, key=lambda pair: _role_rank(pair[1]))
        main = ranked[0][0]
        filers = [
            f.company for f, role in ranked[1:] if role in ("filed by", "reporting") and f.company != main.company
        ]
        yield _Filing(
            accession=main.accession,
            form=main.form,
            company=main.company,
            cik=main.cik,
            items=main.items,
            published=main.published,
            url=main.url,
            filed_by=filers[0] if filers else "",
        )


def _role_rank(role: str) -> int:
    return _ROLE_ORDER.index(role) if role in _ROLE_ORDER else len(_ROLE_ORDER)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _children(parent: ET.Element | None, name: str) -> list[ET.Element]:
    return [child for child in parent if _local(child.tag) == name] if parent is not None else []


def _child(parent: ET.Element | None, name: str) -> ET.Element | None:
    found = _children(parent, name)
    return found[0] if found else None


def _text(parent: ET.Element | None, name: str) -> str:
    child = _child(parent, name)
    return collapse_whitespace("".join(child.itertext())) if child is not None else ""


def _link(entry: ET.Element) -> str:
    for link in _children(entry, "link"):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return link.get("href", "").strip()
    return ""


# ---------------------------------------------------------------------------
# JSON: submissions (and their older pages), full-text search
# ---------------------------------------------------------------------------


def _load_json(body: bytes) -> Any:
    try:
        return json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ParseError(_clip(f"not valid JSON: {exc}")) from exc


def _json_filings(data: Any, headers: Mapping[str, str]) -> Iterator[_Filing]:
    if not isinstance(data, dict):
        raise ParseError("not an EDGAR payload: JSON that is not an object")
    if "hits" in data:
        return _search_filings(data)
    if "filings" in data:
        filings = data["filings"]
        recent = filings.get("recent") if isinstance(filings, dict) else None
        if not isinstance(recent, dict):
            raise ParseError("EDGAR submissions without filings.recent")
        return _columnar_filings(recent, _cik(_str(data.get("cik"))), collapse_whitespace(_str(data.get("name"))))
    if "accessionNumber" in data:
        # An older page names neither the company nor its CIK; the page's own URL does, if the
        # fetch step passed it on.
        found = _CIK_IN_URL.search(headers.get("content-location", ""))
        return _columnar_filings(data, found.group(1) if found else "", "")
    if "error" in data or "message" in data:
        raise ParseError(_clip(f"EDGAR answered with an error: {data.get('error') or data.get('message')}"))
    raise ParseError("not an EDGAR payload: JSON without filings or hits")


def _columnar_filings(columns: Mapping[str, Any], cik: str, company: str) -> Iterator[_Filing]:
    accessions = columns.get("accessionNumber")
    if not isinstance(accessions, list):
        raise ParseError("EDGAR submissions without an accessionNumber column")

    def column(name: str, index: int) -> str:
        values = columns.get(name)
        value = values[index] if isinstance(values, list) and index < len(values) else ""
        return str(value).strip() if value is not None else ""

    for i, accession in enumerate(accessions):
        if not isinstance(accession, str) or not _ACCESSION.fullmatch(accession.strip()):
            continue
        form = column("form", i)
        yield _Filing(
            accession=accession.strip(),
            form=form,
            company=company,
            cik=cik,
            items=tuple(item for item in (part.strip() for part in column("items", i).split(",")) if item),
            published=_eastern_wall_clock(column("acceptanceDateTime", i)) or _date_utc(column("filingDate", i)),
            description=_described(column("primaryDocDescription", i), form),
        )


def _described(description: str, form: str) -> str:
    """A document description worth showing: submissions often just repeat the form there."""
    if not description or description.upper() in (form.upper(), f"FORM {form.upper()}", "PRIMARY DOCUMENT"):
        return ""
    return description


def _search_filings(data: Mapping[str, Any]) -> Iterator[_Filing]:
    hits = data.get("hits")
    found = hits.get("hits") if isinstance(hits, dict) else None
    if not isinstance(found, list):
        raise ParseError("EDGAR full-text search answer without hits.hits")
    for hit in found:
        source = hit.get("_source") if isinstance(hit, dict) else None
        if not isinstance(source, dict):
            continue
        accession = _str(source.get("adsh")) or _accession_in(_str(hit.get("_id")))
        if not _ACCESSION.fullmatch(accession):
            continue
        ciks = [_cik(str(c)) for c in _list(source.get("ciks")) if c is not None]
        names = [_company_name(str(n)) for n in _list(source.get("display_names")) if n is not None]
        items = [str(item).strip() for item in _list(source.get("items")) if item is not None]
        yield _Filing(
            accession=accession,
            form=_str(source.get("form")) or _str(source.get("root_form")),
            company=names[0] if names else "",
            cik=ciks[0] if ciks else "",
            items=tuple(item for item in items if item),
            published=_date_utc(_str(source.get("file_date"))),
        )


def _company_name(display_name: str) -> str:
    """`INTEL CORP  (INTC)  (CIK 0000050863)` -> `INTEL CORP`."""
    name = collapse_whitespace(display_name)
    for _ in range(2):
        name = _DISPLAY_SUFFIX.sub("", name)
    return name


# ---------------------------------------------------------------------------
# Small readers
# ---------------------------------------------------------------------------


def _items(text: str) -> tuple[str, ...]:
    """Item numbers in `items 2.02 and 9.01` or `Item 1.01: ...`, in order, once each."""
    return tuple(dict.fromkeys(_ITEM_NUMBER.findall(text)))


def _summary_items(summary: str) -> tuple[str, ...]:
    """Item numbers from a feed summary's `Item 1.01: ...` lines, and nothing else that looks like one."""
    return tuple(dict.fromkeys(_SUMMARY_ITEM.findall(summary)))


def _accession_in(text: str) -> str:
    match = _ACCESSION.search(text)
    return match.group(1) if match else ""


def _cik(text: str) -> str:
    digits = text.strip()
    return digits.zfill(10) if digits.isdigit() and len(digits) <= 10 and digits.strip("0") else ""


def _archive_cik(url: str) -> str:
    match = _ARCHIVE_CIK.search(url)
    return _cik(match.group(1)) if match else ""


def _iso_utc(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment.tzinfo is not None else None


def _date_utc(text: str) -> datetime | None:
    """A filing date alone: midnight UTC of that day, so the day reads the same everywhere."""
    try:
        return datetime.combine(date.fromisoformat(text.strip()), time(), tzinfo=UTC)
    except ValueError:
        return None


def _eastern_wall_clock(text: str) -> datetime | None:
    """`acceptanceDateTime` in UTC. The submissions JSON writes it with a `Z`, but the clock is
    Washington's: the Atom feed gives the same filing `16:31:21-05:00` where this says `16:31:21.000Z`."""
    try:
        wall = datetime.fromisoformat(text.strip().removesuffix("Z").removesuffix("+00:00")).replace(tzinfo=None)
    except ValueError:
        return None
    return (wall - _eastern_offset(wall)).replace(tzinfo=UTC)


def _eastern_offset(wall: datetime) -> timedelta:
    """US Eastern time's offset at a wall-clock moment (DST rules of 1987-2006 and since 2007)."""
    year = wall.year
    if year >= 2007:
        start, end = _nth_sunday(year, 3, 2), _nth_sunday(year, 11, 1)
    else:
        start, end = _nth_sunday(year, 4, 1), _last_sunday(year, 10)
    two_am = time(2)
    in_dst = datetime.combine(start, two_am) <= wall < datetime.combine(end, two_am)
    return timedelta(hours=-4 if in_dst else -5)


def _nth_sunday(year: int, month: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(6 - first.weekday()) % 7 + 7 * (n - 1))


def _last_sunday(year: int, month: int) -> date:
    last = date(year, month + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() + 1) % 7)


def _str(value: object) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value.strip() if isinstance(value, str) else ""


def _list(value: object) -> list[Any]:
    """A JSON array as a list; a lone value as a list of one (some hits hold a string where a list is usual)."""
    if isinstance(value, list):
        return value
    return [] if value is None or isinstance(value, dict) else [value]


def _first_line(body: bytes) -> str:
    text = body.decode("utf-8", errors="replace").strip()
    return _clip(collapse_whitespace(text.splitlines()[0] if text else ""))


def _clip(text: str) -> str:
    line = collapse_whitespace(text)
    return line if len(line) <= _MAX_REASON_CHARS else line[: _MAX_REASON_CHARS - 1] + "…"


# ---------------------------------------------------------------------------
# Filing -> deal event, where the form itself says what happened
# ---------------------------------------------------------------------------

_EIGHT_K_EVENTS: tuple[tuple[str, EventType, Status], ...] = (
    # An 8-K that completes a deal usually also reports the agreement (1.01); completion says more.
    ("2.01", "acquisition", "completed"),
    # 1.01 with 1.02 is most often a new agreement replacing an old one: the relationship goes on.
    ("1.01", "partnership", "announced"),
    ("1.02", "partnership_end", "announced"),
)
_MERGER_FORMS: Mapping[str, str] = {
    "S-4": "registration of securities issued in a business combination",
    "DEFM14A": "definitive proxy statement for a merger or acquisition",
    "425": "communication about a business combination",
}


def filing_event(article: Article, watched_name: str) -> DealEvent | None:
    """The deal event a filing's form (and 8-K items) states, or None when the form alone says nothing.

    `article` is an edgar Article of the watched company's source; `watched_name` is that company's
    canonical name and stands for the filer (or, on a Schedule 13D/G, the subject company). Only
    original filings count: an 8-K/A, S-4/A or D/A restates news that was alerted when it was new.
    The mapping:

    - 8-K Item 2.01 -> acquisition completed (acquirer: the filer; the item covers dispositions too);
    - 8-K Item 1.01 -> partnership announced (a material definitive agreement; parties: the filer);
    - 8-K Item 1.02 -> partnership_end announced (such an agreement terminated);
    - SC 13D/13G, SCHEDULE 13D/13G and their /A -> investment announced (target: the subject
      company; investor: whoever filed it, when the payload names them; stake from extra `percent`);
    - Form D -> funding completed (target: the filer);
    - S-4, DEFM14A, 425 -> merger announced (parties: the filer).
    """
    extra = article.extra
    form = collapse_whitespace(extra.get("form", "")).upper()
    filer = (watched_name,)
    if form == "8-K":
        items = {item.strip() for item in extra.get("items", "").split(",")}
        for item, event_type, status in _EIGHT_K_EVENTS:
            if item in items:
                role = "acquirer" if event_type == "acquisition" else "parties"
                evidence = f"8-K Item {item} ({ITEM_NAMES[item]})"
                return DealEvent(type=event_type, status=status, parties={role: filer}, evidence=evidence)
        return None
    schedule = _SCHEDULE_13.match(form)
    if schedule:
        subject, filed_by = extra.get("company", "").strip(), extra.get("filed_by", "").strip()
        parties: dict[str, tuple[str, ...]] = {}
        if filed_by and same_company(watched_name, filed_by) and not same_company(watched_name, subject):
            # The watched company took the stake: the filing is told under the company it bought into.
            parties = {"investor": filer, "target": (subject,)}
        elif filed_by:
            parties = {"investor": (filed_by,), "target": filer}
        else:
            parties = {"target": filer}
        stake = _percent(extra.get("percent", ""))
        kind = "active" if schedule.group(1) == "D" else "passive"
        evidence = f"{form} (beneficial ownership of more than 5%, {kind} investor)"
        if stake is not None:
            evidence += f", {stake:g}%"
        return DealEvent(type="investment", status="announced", parties=parties, stake_pct=stake, evidence=evidence)
    if form == "D":
        evidence = "Form D (notice of an exempt offering of securities)"
        return DealEvent(type="funding", status="completed", parties={"target": filer}, evidence=evidence)
    if form in _MERGER_FORMS:
        evidence = f"{form} ({_MERGER_FORMS[form]})"
        return DealEvent(type="merger", status="announced", parties={"parties": filer}, evidence=evidence)
    return None


_CORPORATE_WORDS = frozenset(
    {"inc", "incorporated", "corp", "corporation", "co", "company", "ltd", "limited", "llc", "lp", "plc", "the"}
)


def same_company(watched_name: str, edgar_name: str) -> bool:
    """Whether an EDGAR name (`META PLATFORMS, INC.`) starts with a watched name (`Meta`), word for word."""
    watched = [w for w in re.findall(r"\w+", watched_name.casefold()) if w not in _CORPORATE_WORDS]
    edgar = [w for w in re.findall(r"\w+", edgar_name.casefold()) if w not in _CORPORATE_WORDS]
    return bool(watched) and edgar[: len(watched)] == watched


def _percent(text: str) -> float | None:
    try:
        value = float(text.strip().rstrip("%"))
    except ValueError:
        return None
    return value if 0 < value <= 100 else None
