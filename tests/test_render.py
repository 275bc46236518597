"""What an alert says: title, roles, amount, stake, evidence, sources."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.model import Alert, DealEvent, Money, SourceRef
from bot.render import format_usd, render_alert, source_lines

T = datetime(2025, 6, 13, 9, tzinfo=UTC)


def refs(n: int) -> tuple[SourceRef, ...]:
    return tuple(SourceRef(f"Story {i}", f"https://news.example/{i}", f"Outlet {i}", T) for i in range(n))


def test_investment_card_has_roles_amount_stake_and_capped_sources() -> None:
    ev = DealEvent(
        type="investment",
        status="announced",
        parties={"investor": ("Meta",), "target": ("Scale AI",)},
        amount_usd=14.3e9,
        stake_pct=49.0,
        evidence="takes 49% stake in Scale AI",
        sources=refs(5),
        status_history=("announced",),
    )
    card = render_alert(Alert(delivery_id=1, kind="new", target="console", event=ev))
    assert card.title == "Investment (announced): Meta → Scale AI"
    assert dict(card.fields) == {
        "Investor": "Meta",
        "Target": "Scale AI",
        "Amount": "$14.3B",
        "Stake": "49%",
        "Status": "announced",
    }
    assert len(card.sources) == 3 and card.more_sources == 2
    assert "and 2 more sources" in card.fallback
    assert 'Why: "takes 49% stake in Scale AI"' in card.fallback


def test_update_card_shows_status_progression() -> None:
    ev = DealEvent(
        type="acquisition",
        status="completed",
        parties={"acquirer": ("Salesforce",), "target": ("Slack",)},
        status_history=("rumor", "announced", "completed"),
        sources=refs(1),
    )
    card = render_alert(Alert(delivery_id=2, kind="update", target="console", event=ev, thread_ref="1"))
    assert card.title.startswith("Update: Acquisition (completed)")
    assert ("Status", "rumor → announced → completed") in card.fields


def test_non_dollar_amount_keeps_its_currency() -> None:
    ev = DealEvent(
        type="acquisition",
        status="announced",
        parties={"acquirer": ("Bayer",), "target": ("Monsanto",)},
        amount=Money(5.0e9, "EUR"),
    )
    card = render_alert(Alert(delivery_id=3, kind="new", target="console", event=ev))
    assert ("Amount", "EUR 5bn") in card.fields


def test_partnership_headline_is_symmetric() -> None:
    ev = DealEvent(type="partnership_end", status="announced", parties={"parties": ("OpenAI", "Scale AI")})
    assert render_alert(Alert(1, "new", "console", ev)).title == "Partnership ended (announced): OpenAI / Scale AI"


def test_format_usd() -> None:
    assert [format_usd(x) for x in (14.3e9, 250e6, 1.2e12, 2500.0, 999.0)] == [
        "$14.3B",
        "$250M",
        "$1.2T",
        "$2.5K",
        "$999",
    ]


def test_source_lines_fit_the_room_falling_back_then_counting_more() -> None:
    ev = DealEvent(type="merger", status="announced", parties={"parties": ("A", "B")}, sources=refs(3))
    card = render_alert(Alert(1, "new", "console", ev))

    def choices(ref: SourceRef) -> tuple[str, str]:
        return f"LONG {ref.title} " + "x" * 30, f"short {ref.title}"

    assert source_lines(card, choices, room=200) == [f"LONG Story {i} " + "x" * 30 for i in range(3)]
    # Room for one long line; then only the short form fits; then nothing does.
    assert source_lines(card, choices, room=40 + 44 + 1 + 14) == [
        "LONG Story 0 " + "x" * 30, "short Story 1", "and 1 more source"]  # fmt: skip
