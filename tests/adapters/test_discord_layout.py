"""Card and Reply -> Discord embeds and messages: colours, Discord's size limits, paging, escaping, nonces."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.adapters.discord import (
    COLOURS,
    CONTENT_MAX,
    EMBED_TOTAL_MAX,
    EMBEDS_PER_MESSAGE,
    FIELD_VALUE_MAX,
    PAGES_MAX,
    TITLE_MAX,
    card_embed,
    channel_of,
    clip,
    escape,
    link,
    nonce_for,
    reply_pages,
)
from bot.model import EVENT_TYPES, Alert, Card, Reply, SourceRef
from bot.render import render_alert
from tests.adapters.test_slack_notifier import STAKE, WHEN


def card(**changes: object) -> Card:
    return replace(render_alert(Alert(1, "new", "discord:1", STAKE)), **changes)  # type: ignore[arg-type]


def test_every_event_type_has_its_own_colour() -> None:
    assert set(COLOURS) == set(EVENT_TYPES)
    assert len(set(COLOURS.values())) == len(EVENT_TYPES)
    for kind in EVENT_TYPES:
        assert card_embed(card(event_type=kind)).colour.value == COLOURS[kind]  # type: ignore[union-attr]


def test_facts_are_inline_fields_and_evidence_and_sources_full_width() -> None:
    embed = card_embed(card())
    fields = [(f.name, f.inline) for f in embed.fields]
    assert fields == [
        ("Investor", True),
        ("Target", True),
        ("Amount", True),
        ("Stake", True),
        ("Status", True),
        ("Evidence", False),
        ("Sources", False),
    ]


def test_an_oversized_card_still_fits_discords_limits() -> None:
    long = "x" * 5000
    refs = tuple(SourceRef("t" * 400, "https://n.example/" + "y" * 350, "p" * 200, WHEN) for _ in range(3))
    big = card(title=long, fields=tuple((f"field {n}", long) for n in range(30)), evidence=long, sources=refs)
    embed = card_embed(big)
    assert len(embed) <= EMBED_TOTAL_MAX
    assert len(embed.title or "") <= TITLE_MAX
    assert len(embed.fields) <= 25
    assert all(len(f.value or "") <= FIELD_VALUE_MAX for f in embed.fields)
    sources = embed.fields[-1].value or ""
    assert sources.count("](<https://") == 1  # then titles alone, then "and N more"
    assert sources.count("• ") >= 2 and sources.endswith("more sources")


def test_long_text_is_paged_between_lines() -> None:
    text = "\n".join(f"{n}: " + "z" * 300 for n in range(20))  # about 6000 characters
    pages = reply_pages(Reply(text=text))
    assert len(pages) == 4
    assert all(len(p.content) <= CONTENT_MAX and not p.embeds for p in pages)
    assert "\n".join(p.content for p in pages) == text


def test_cards_fill_messages_up_to_ten_embeds_and_six_thousand_characters() -> None:
    small = [card()] * 12
    pages = reply_pages(Reply(text="Deals:", cards=tuple(small)))
    assert [len(p.embeds) for p in pages] == [EMBEDS_PER_MESSAGE, 2]
    assert pages[0].content == "Deals:" and pages[1].content == ""
    big = card(evidence="e" * 900, fields=tuple((f"f{n}", "v" * 900) for n in range(4)))
    pages = reply_pages(Reply(text="", cards=(big,) * 4))
    assert all(p.size() <= EMBED_TOTAL_MAX for p in pages)
    assert sum(len(p.embeds) for p in pages) == 4 and len(pages) > 1


def test_too_long_an_answer_is_cut_short_with_a_note() -> None:
    text = "\n".join("w" * 1500 for _ in range(PAGES_MAX + 3))
    pages = reply_pages(Reply(text=text))
    assert len(pages) == PAGES_MAX
    assert pages[-1].content.endswith("one company)")
    assert reply_pages(Reply(text=""))[0].content == "(no answer)"


def test_the_more_hint_speaks_slash_command() -> None:
    (page,) = reply_pages(Reply(text="Sources:", more="sources page 3"))
    assert page.content.endswith("More: the same command with page:3")
    (page,) = reply_pages(Reply(text="Deals:", cards=(card(),), more='history "Scale AI" since 30d page 2'))
    assert page.embeds[-1].footer.text == "More: the same command with page:2"  # below the cards, not above
    (page,) = reply_pages(Reply(text="x", more="deals since 30d"))
    assert page.content.endswith("More: /dealwatch deals since 30d")


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("@everyone", "@\u200beveryone"),
        ("@here now", "@\u200bhere now"),
        ("<@&123>", "<@\u200b&123>"),
        ("<@!123456789012345678>", "<@\u200b!123456789012345678>"),
        (
            "**bold** _it_ `code` ~~s~~ ||spoiler||",
            "\\*\\*bold\\*\\* \\_it\\_ \\`code\\` \\~\\~s\\~\\~ \\|\\|spoiler\\|\\|",
        ),
        ("# Heading", "\\# Heading"),
        ("[click](https://evil.example)", "\\[click](https://evil.example)"),
        ("see https://n.example/a_b_c", "see https://n.example/a_b_c"),  # links stay usable
    ],
)
def test_escape(raw: str, shown: str) -> None:
    assert escape(raw) == shown


def test_clip_never_ends_on_an_escaping_backslash() -> None:
    clipped = clip("a*" * 50, 10)
    assert len(clipped) <= 10 and clipped.endswith("…") and not clipped.endswith("\\…")


def test_links_go_where_the_source_said_and_cannot_be_bent() -> None:
    assert (
        link("https://n.example/a b)c", "Title [x] **y**") == "[Title (x) \\*\\*y\\*\\*](<https://n.example/a%20b%29c>)"
    )
    assert link("javascript:alert(1)", "Title") == "Title"
    assert link("https://n.example/" + "x" * 2000, "Long") == "Long"


def test_nonce_is_the_same_for_every_attempt_of_one_delivery() -> None:
    first = Alert(7, "new", "discord:1", STAKE)
    assert nonce_for(first) == nonce_for(replace(first, attempts=3)) == "dw7"
    assert nonce_for(first) != nonce_for(replace(first, delivery_id=8))
    with pytest.raises(ValueError):
        nonce_for(replace(first, delivery_id=10**30))


def test_targets() -> None:
    assert channel_of("discord:123456789") == 123456789
    for bad in ("slack:C0123", "discord:", "discord:abc", "console"):
        with pytest.raises(ValueError):
            channel_of(bad)
