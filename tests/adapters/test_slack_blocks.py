"""Slack layout: escaping of news text, link building, Block Kit limits, and reading what people typed."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.adapters.slack import (
    BLOCKS_MAX,
    HEADER_MAX,
    SECTION_MAX,
    card_blocks,
    clip,
    command_text,
    escape,
    link,
    reply_blocks,
    reply_text,
    safe_url,
)
from bot.model import Card, Reply, SourceRef
from tests.adapters.fake_slack import texts

WHEN = datetime(2025, 6, 13, tzinfo=UTC)
HOSTILE = "Meta <!channel> buys <@U123> & <https://evil.example|click> <!here>"


def test_escape_turns_control_characters_into_entities() -> None:
    assert escape(HOSTILE) == (
        "Meta &lt;!channel&gt; buys &lt;@U123&gt; &amp; &lt;https://evil.example|click&gt; &lt;!here&gt;"
    )


def test_clip_never_cuts_an_entity() -> None:
    for limit in range(2, 30):
        out = clip("a<b>c&d" * 5, limit)
        assert len(out) <= limit
        body = out.removesuffix("…")
        assert "&" not in body.replace("&lt;", "").replace("&gt;", "").replace("&amp;", "")


def test_safe_url_keeps_http_and_neutralises_link_syntax() -> None:
    assert safe_url("https://news.example/a?b=1&c=2") == "https://news.example/a?b=1&amp;c=2"
    assert safe_url("https://news.example/x|<!channel>") == "https://news.example/x%7C%3C!channel%3E"
    assert safe_url("https://news.example/a b") == "https://news.example/a%20b"
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("slack://channel?id=C1") is None
    assert safe_url("/relative/path") is None


def test_link_escapes_the_title_and_drops_unusable_urls() -> None:
    assert link("https://n.example/1", "Meta <!here>") == "<https://n.example/1|Meta &lt;!here&gt;>"
    assert link("ftp://n.example/1", "<@U1>") == "&lt;@U1&gt;"


def test_card_blocks_escape_every_text_and_keep_within_limits() -> None:
    card = Card(
        title=HOSTILE * 5,
        fields=(("Investor", HOSTILE), ("Target", "Scale AI"), ("Amount", "$14.3B")),
        evidence=HOSTILE,
        sources=(
            SourceRef(HOSTILE, "https://n.example/1", "Wire <!everyone>", WHEN),
            SourceRef("Second", "https://evil.example|click", "Wire", WHEN),
        ),
        more_sources=4,
        fallback=HOSTILE,
    )
    blocks = card_blocks(card)
    assert blocks[0]["type"] == "header"
    assert len(blocks[0]["text"]["text"]) <= HEADER_MAX
    for text in texts(blocks):
        for raw in ("<!channel>", "<!here>", "<@U123>", "<!everyone>", "<https://evil.example|click>"):
            assert raw not in text
    section_texts = [b["text"]["text"] for b in blocks if b["type"] == "section" and "text" in b]
    assert all(len(t) <= SECTION_MAX for t in section_texts)
    sources = section_texts[-1]
    assert "<https://n.example/1|Meta &lt;!channel&gt;" in sources
    assert "https://evil.example%7Cclick" in sources
    assert sources.endswith("and 4 more sources")


def test_reply_blocks_split_long_text_and_show_more_as_context() -> None:
    long = "\n".join(f"line {i} <b>" for i in range(1000))
    reply = Reply(text=long, more="page 2: history Meta page 2")
    blocks = reply_blocks(reply)
    assert len(blocks) <= BLOCKS_MAX
    assert all(len(b["text"]["text"]) <= SECTION_MAX for b in blocks if b["type"] == "section")
    assert blocks[-1] == {"type": "context", "elements": [{"type": "mrkdwn", "text": "page 2: history Meta page 2"}]}
    assert "<b>" not in "".join(texts(blocks))
    assert len(reply_text(reply)) <= 3000


def test_reply_with_cards_only_has_a_fallback() -> None:
    card = Card(title="Merger (announced): A / B", fields=(), evidence="", sources=(), more_sources=0, fallback="A / B")
    reply = Reply(text="", cards=(card,) * 12)
    blocks = reply_blocks(reply)
    assert sum(b["type"] == "header" for b in blocks) == 8
    assert blocks[-1]["elements"][0]["text"] == "and 4 more"
    assert reply_text(reply).startswith("A / B")


def test_command_text_undoes_slack_markup() -> None:
    assert command_text("<@UBOT0001> history Scale AI") == "history Scale AI"
    assert command_text("<@UBOT0001|dealwatch>  watch add &quot;x&quot;") == "watch add &quot;x&quot;"
    assert command_text("source add <https://n.example/feed.xml?a=1&amp;b=2>") == (
        "source add https://n.example/feed.xml?a=1&b=2"
    )
    assert command_text("source add <https://n.example/f|n.example/f> 15m") == "source add https://n.example/f 15m"
    assert command_text("subscribe all in <#C0123|deals>") == "subscribe all in deals"
    assert command_text("history AT&amp;T &lt;3") == "history AT&T <3"


def test_many_long_sources_still_fit_one_section() -> None:
    refs = tuple(SourceRef("t" * 400, "https://n.example/" + "x" * 580, "p" * 200, WHEN) for _ in range(6))
    card = Card(title="T", fields=(), evidence="", sources=refs, more_sources=2, fallback="T")
    (text,) = [b["text"]["text"] for b in card_blocks(card) if b["type"] == "section"]
    assert len(text) <= SECTION_MAX
    shown = text.count("<https://")
    assert shown >= 3
    assert text.endswith(f"and {6 - shown + 2} more sources")


def test_an_empty_reply_still_has_a_block() -> None:
    assert reply_blocks(Reply(text="")) == [{"type": "section", "text": {"type": "mrkdwn", "text": "(no answer)"}}]
