"""Parse helpers for every source kind (bytes -> Articles): encoding, HTML to text, URLs, keys, dates."""

from __future__ import annotations

import codecs
import functools
import hashlib
import re
import unicodedata
from datetime import UTC, datetime, timedelta, timezone
from html.parser import HTMLParser
from urllib.parse import parse_qsl, unquote_plus, urlsplit, urlunsplit

SUMMARY_MAX_CHARS = 1000

# ---------------------------------------------------------------------------
# Encoding repair
# ---------------------------------------------------------------------------

_XML_DECL = re.compile(rb"^<\?xml\b[^>]*?\?>")
_XML_DECL_TEXT = re.compile(r"^<\?xml\b[^>]*?\?>")
_DECL_ENCODING = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_CHARSET_PARAM = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_UTF8_DECL = b'<?xml version="1.0" encoding="utf-8"?>'
# Servers and feeds say "latin-1" or "ascii" and mean windows-1252 (curly quotes in 0x80-0x9F),
# as browsers have long assumed.
_WINDOWS_1252_ALIASES = frozenset({"ascii", "latin-1", "iso8859-1"})
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
# What a byte that is not UTF-8 turns into under errors="surrogateescape".
_STRAY_BYTE = re.compile("[\udc80-\udcff]")


def charset_from_content_type(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type value, if Python knows that codec."""
    if not content_type:
        return None
    match = _CHARSET_PARAM.search(content_type)
    return _known_codec(match.group(1)) if match else None


def _known_codec(name: str) -> str | None:
    try:
        return codecs.lookup(name).name
    except (LookupError, ValueError):
        return None


def _declared_encoding(body: bytes) -> str | None:
    decl = _XML_DECL.match(body)
    if decl is None:
        return None
    match = _DECL_ENCODING.search(decl.group(0))
    return _known_codec(match.group(1).decode("ascii")) if match else None


@functools.cache
def _is_single_byte(codec: str) -> bool:
    """One character per byte (latin-1, windows-125x, koi8-r...), as opposed to CJK or UTF-16 codecs."""
    return len(bytes(range(0x80, 0x100)).decode(codec, errors="replace")) == 0x80


def _mostly_utf8(body: bytes) -> bool:
    """More well-formed UTF-8 sequences than stray bytes: UTF-8 with a few bytes pasted in from elsewhere."""
    valid = len(_UTF8_SEQUENCE.findall(body))
    stray = len(_STRAY_BYTE.findall(body.decode("utf-8", errors="surrogateescape")))
    return valid > stray


def _decode_utf8_with_strays(body: bytes) -> str:
    """UTF-8, with each byte that is not part of a UTF-8 sequence read as windows-1252 on its own."""
    text = body.decode("utf-8", errors="surrogateescape")
    return _STRAY_BYTE.sub(lambda m: _decode_single_byte(bytes([ord(m.group()) - 0xDC00]), "cp1252"), text)


def _decode_single_byte(data: bytes, codec: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        # windows-1252 leaves five bytes undefined; Latin-1 maps every byte.
        return data.decode("latin-1")


def _decode_legacy(body: bytes, candidates: list[str | None]) -> str:
    """Decode bytes that are not UTF-8: the first candidate codec that takes them, else windows-1252."""
    for name in candidates:
        if name is None or name.startswith(("utf-8", "utf-16", "utf-32")):
            continue
        codec = "cp1252" if name in _WINDOWS_1252_ALIASES else name
        try:
            return body.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
    return _decode_single_byte(body, "cp1252")


def repair_xml_encoding(body: bytes, http_charset: str | None) -> bytes | None:
    """XML bytes re-encoded as UTF-8 with a matching declaration, or None to leave them as they are.

    Feed publishers often get the charset wrong: UTF-8 bytes under an ISO-8859-1 or windows-1252
    declaration, Latin-1 bytes with no declaration at all, a blank line before `<?xml`. Bytes that
    decode as strict UTF-8 are UTF-8 whatever the label says (legacy text is almost never valid
    UTF-8 by accident), and so are bytes that are mostly UTF-8 with a few strays, unless a
    multi-byte legacy charset is declared. Other bytes follow the document's declaration, then the
    HTTP charset (the document's own label travels with it, a server's default does not), then
    windows-1252. Only ASCII-compatible documents are touched; UTF-16/32 and EBCDIC are left to
    feedparser, which detects them well.
    """
    head = body.lstrip()
    had_bom = head.startswith(codecs.BOM_UTF8)
    if had_bom:
        head = head[len(codecs.BOM_UTF8) :].lstrip()
    if not head.startswith(b"<") or b"\x00" in head[:4]:
        return None
    declared = _declared_encoding(head)
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        utf8_possible = declared is None or declared == "utf-8" or _is_single_byte(declared)
        if had_bom or (utf8_possible and _mostly_utf8(head)):
            text = _decode_utf8_with_strays(head)
        else:
            text = _decode_legacy(head, [declared, http_charset])
    return _UTF8_DECL + _XML_DECL_TEXT.sub("", text, count=1).encode("utf-8")


# ---------------------------------------------------------------------------
# HTML to plain text
# ---------------------------------------------------------------------------

_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
        "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav",
        "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
    }
)  # fmt: skip
_SKIP_TAGS = frozenset({"script", "style", "template", "noscript"})


class _TextCollector(HTMLParser):
    """Keeps character data; block tags become spaces so words on either side do not run together."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def collapse_whitespace(text: str) -> str:
    """One space between words, none at the ends; no-break and other Unicode spaces count too."""
    return " ".join(text.split())


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment: tags dropped, entities decoded, whitespace collapsed.

    Feeds escape twice often enough (`&amp;amp;`) that a second pass is worth it when entities remain.
    """
    text = markup
    for _ in range(2):
        if "<" not in text and "&" not in text:
            break
        collector = _TextCollector()
        collector.feed(text)
        collector.close()
        text = "".join(collector.parts)
    return collapse_whitespace(text)


def truncate(text: str, limit: int = SUMMARY_MAX_CHARS) -> str:
    """At most `limit` characters, cut at a word boundary with an ellipsis when it had to be cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-") + "…"


# ---------------------------------------------------------------------------
# Canonical URLs and article keys
# ---------------------------------------------------------------------------

_TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "gclsrc", "dclid", "msclkid", "yclid", "igshid", "twclid", "ttclid",
        "mc_cid", "mc_eid", "_hsenc", "_hsmi", "mkt_tok", "vero_id", "vero_conv", "oly_anon_id",
        "oly_enc_id", "rb_clickid", "s_cid", "wt.mc_id", "cmpid", "ncid", "spm", "guccounter",
    }
)  # fmt: skip
_TRACKING_PREFIXES = ("utm_", "__hs", "pk_", "mtm_", "hsa_")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_GOOGLE_REDIRECT_HOSTS = frozenset({"google.com", "www.google.com"})


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in _TRACKING_PARAMS or lowered.startswith(_TRACKING_PREFIXES)


def canonical_url(url: str) -> str:
    """The form of a link that two fetches (or two outlets' feeds) agree on.

    Lower-cased scheme and host, no default port, no fragment, no `utm_*`-style tracking
    parameters; a Google redirect (`google.com/url?url=...`, as Google Alerts links are) is
    replaced by its target. Anything that is not an http(s) URL comes back stripped, unchanged.
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in _DEFAULT_PORTS or not parts.hostname:
            return url
        host = parts.hostname.rstrip(".")
        port = parts.port
    except ValueError:
        return url
    query = parse_qsl(parts.query, keep_blank_values=True)
    if host in _GOOGLE_REDIRECT_HOSTS and parts.path == "/url":
        targets = [v for k, v in query if k in ("url", "q") and v.startswith(("http://", "https://"))]
        if targets:
            return canonical_url(targets[0])
    netloc = f"[{host}]" if ":" in host else host
    if parts.username or parts.password:
        netloc = f"{parts.netloc.rpartition('@')[0]}@{netloc}"
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{port}"
    # Filter the raw pairs rather than re-encode the parsed ones, so what stays is byte-for-byte the same.
    pairs = parts.query.split("&")
    kept = [pair for pair in pairs if pair and not _is_tracking(unquote_plus(pair.partition("=")[0]))]
    return urlunsplit((scheme, netloc, parts.path or "/", "&".join(kept), ""))


def article_key(guid: str | None, url: str | None, title: str, date_text: str) -> str:
    """Stable identity of an item within its source: GUID, else canonical URL, else a hash.

    The hash covers the title and the date *as the feed wrote it*, never the fetch time, so an
    undated item keeps its key from one fetch to the next.
    """
    if guid and guid.strip():
        return guid.strip()
    if url and url.strip():
        return canonical_url(url)
    digest = hashlib.sha256(f"{title}\n{date_text}".encode()).hexdigest()
    return f"sha256:{digest}"


# ---------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------

# Month names as feeds outside English write them (pt, es, fr, de, it, nl), accents removed;
# looked up by the whole word, then its first four letters, then its first three.
_MONTHS: dict[str, int] = {
    "jan": 1, "ene": 1, "gen": 1,
    "feb": 2, "fev": 2,
    "mar": 3, "mrz": 3, "mrt": 3,
    "apr": 4, "abr": 4, "avr": 4,
    "may": 5, "mai": 5, "mag": 5, "mei": 5,
    "jun": 6, "giu": 6, "juin": 6, "juni": 6,
    "jul": 7, "lug": 7, "juil": 7, "juli": 7,
    "aug": 8, "ago": 8, "aou": 8,
    "sep": 9, "set": 9,
    "oct": 10, "out": 10, "okt": 10, "ott": 10,
    "nov": 11,
    "dec": 12, "dez": 12, "dic": 12,
}  # fmt: skip
_ZONES = {
    "z": 0, "ut": 0, "utc": 0, "gmt": 0,
    "est": -5, "edt": -4, "cst": -6, "cdt": -5, "mst": -7, "mdt": -6, "pst": -8, "pdt": -7,
    "cet": 1, "cest": 2, "bst": 1,
}  # fmt: skip
_TIME = r"(?:\s+|T)(\d{1,2}):?(\d{2})(?::?(\d{2}))?(?:\.\d+)?"
_ZONE = r"\s*([+-]\d{2}:?\d{2}|[A-Za-z]{1,4})?"
_WEEKDAY = r"^(?:[^\W\d_]+\.?,?\s+)?"
_DAY_FIRST = re.compile(
    _WEEKDAY + r"(\d{1,2})\.?\s+([^\W\d_]+)\.?,?\s+(\d{4}|\d{2})(?:" + _TIME + r")?" + _ZONE + r"\s*$"
)
_MONTH_FIRST = re.compile(_WEEKDAY + r"([^\W\d_]+)\.?\s+(\d{1,2}),?\s+(\d{4})(?:" + _TIME + r")?" + _ZONE + r"\s*$")


def _month_number(word: str) -> int | None:
    plain = "".join(c for c in unicodedata.normalize("NFKD", word.lower()) if not unicodedata.combining(c))
    for candidate in (plain, plain[:4], plain[:3]):
        if candidate in _MONTHS:
            return _MONTHS[candidate]
    return None


def _zone_offset(zone: str | None) -> timedelta | None:
    if not zone:
        return timedelta(0)
    if zone[0] in "+-":
        digits = zone[1:].replace(":", "")
        minutes = int(digits[:2]) * 60 + int(digits[2:])
        return timedelta(minutes=-minutes if zone[0] == "-" else minutes)
    hours = _ZONES.get(zone.lower())
    return None if hours is None else timedelta(hours=hours)


def parse_loose_date(text: str) -> datetime | None:
    """An RFC 822-like date that feedparser gave up on: month names in other languages,
    two-digit years, `1500` for 15:00. Aware UTC, or None when it is not recognisably a date."""
    text = collapse_whitespace(text)
    match = _DAY_FIRST.match(text)
    if match:
        day, month_word, year_text = match.group(1), match.group(2), match.group(3)
    else:
        match = _MONTH_FIRST.match(text)
        if not match:
            return None
        month_word, day, year_text = match.group(1), match.group(2), match.group(3)
    month = _month_number(month_word)
    offset = _zone_offset(match.group(7))
    if month is None or offset is None:
        return None
    year = int(year_text)
    if len(year_text) == 2:
        year += 2000 if year < 69 else 1900
    hour, minute, second = (int(g) if g else 0 for g in match.group(4, 5, 6))
    try:
        local = datetime(year, month, int(day), hour, minute, second, tzinfo=timezone(offset))
    except ValueError:
        return None
    return local.astimezone(UTC)


def utc_from_struct(value: object) -> datetime | None:
    """feedparser's `*_parsed` (a UTC struct_time) as an aware datetime; None if absent or absurd."""
    if not isinstance(value, tuple) or len(value) < 6:
        return None
    try:
        year, month, day, hour, minute, second = (int(part) for part in value[:6])
        return datetime(year, month, day, hour, minute, min(second, 59), tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def iso_utc(moment: datetime) -> str:
    """ISO 8601 in UTC with a `Z`, to the second: how dates leave the bot as text."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
