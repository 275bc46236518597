"""history and deals: newest first, status progression, cards from bot.render, pages of five with a "more" hint."""

from __future__ import annotations

from datetime import timedelta

from bot.model import DealEvent
from bot.store import SqlStore
from handlers import dispatch
from handlers.context import Context
from handlers.history import PAGE_SIZE
from tests.handlers.samples import T0, Newsroom, investment, partnership_end, watch

DAY = timedelta(days=1)


def _deal(target: str, n: int) -> DealEvent:
    return DealEvent(
        type="acquisition",
        status="announced",
        parties={"acquirer": ("Meta",), "target": (target,)},
        amount_usd=float(n) * 1e6,
        evidence=f"Meta buys {target}",
    )


async def test_history_shows_a_company_newest_first_with_progression_amount_and_sources(
    ctx: Context, store: SqlStore
) -> None:
    await watch(store)
    news = Newsroom(store)
    stake = await news.new(investment(status="rumor"), T0 - 10 * DAY, sources=5)
    await news.update(stake, "announced", T0 - 8 * DAY)
    await news.new(partnership_end(), T0 - 3 * DAY)

    reply = await dispatch(ctx, "history scale ai")
    assert not reply.ephemeral and reply.more is None
    assert reply.text.splitlines() == [
        "Scale AI, last 30d (page 1):",
        "1. 2025-06-10 Partnership ended (announced): OpenAI / Scale AI, 1 source",
        "2. 2025-06-03 Investment (rumor → announced): Meta → Scale AI, $14.3B, 49% stake, 6 sources",
    ]
    ended, invest = reply.cards
    assert invest.title == "Investment (announced): Meta → Scale AI"
    assert dict(invest.fields) == {
        "Investor": "Meta",
        "Target": "Scale AI",
        "Amount": "$14.3B",
        "Stake": "49%",
        "Status": "rumor → announced",
        "First seen": "2025-06-03 12:00 UTC",
    }
    assert invest.evidence == "Meta takes a 49% stake in Scale AI"
    assert len(invest.sources) == 3 and invest.more_sources == 3
    assert "and 3 more sources" in invest.fallback and "First seen" in invest.fallback
    assert ended.event_type == "partnership_end"


async def test_history_since_and_type_filter(ctx: Context, store: SqlStore) -> None:
    await watch(store)
    news = Newsroom(store)
    await news.new(investment(), T0 - 40 * DAY)
    await news.new(partnership_end(), T0 - 3 * DAY)
    await news.new(investment(stake_pct=10.0), T0 - 2 * DAY)

    assert len((await dispatch(ctx, "history Scale AI")).cards) == 2
    assert len((await dispatch(ctx, "history Scale AI since 90d")).cards) == 3
    assert len((await dispatch(ctx, "history Scale AI since 2025-05-01")).cards) == 3
    typed = await dispatch(ctx, "history Scale AI since 90d investment")
    assert [c.event_type for c in typed.cards] == ["investment", "investment"]
    assert typed.text.startswith("Scale AI, last 90d, Investment (page 1):")
    short = await dispatch(ctx, "history Scale since 1d")
    assert short.text == "No events for Scale AI, last 1d." and short.cards == ()


async def test_history_pages_five_at_a_time_and_the_hint_fetches_the_next_page(ctx: Context, store: SqlStore) -> None:
    await watch(store)
    news = Newsroom(store)
    for n in range(12):
        await news.new(_deal("Scale AI", n), T0 - timedelta(hours=12 - n))

    first = await dispatch(ctx, "history Scale AI")
    assert len(first.cards) == PAGE_SIZE == 5
    assert first.more == 'history "Scale AI" since 30d page 2'
    assert "Showing 1-5; more on the next page." in first.text
    assert dict(first.cards[0].fields)["Amount"] == "$11M"  # newest first

    second = await dispatch(ctx, first.more)
    assert second.text.splitlines()[1].startswith("6. ")
    assert second.more == 'history "Scale AI" since 30d page 3'
    third = await dispatch(ctx, second.more)
    assert len(third.cards) == 2 and third.more is None
    assert [dict(c.fields)["Amount"] for c in third.cards] == ["$1M", "$0"]
    past = await dispatch(ctx, "history Scale AI page 4")
    assert past.text == "No events for Scale AI, last 30d on page 4." and past.more is None


async def test_history_did_you_mean_and_usage(ctx: Context, store: SqlStore) -> None:
    await watch(store)
    miss = await dispatch(ctx, "history Scael AI")
    assert miss.ephemeral and miss.text == '"Scael AI" is not on the watchlist. Did you mean Scale AI?'
    forgot = await dispatch(ctx, "history Scale AI 90d")
    assert forgot.ephemeral and forgot.text.endswith("Write the time as since 90d.")
    assert (await dispatch(ctx, "deals 90d")).text.endswith("Write the time as since 90d.")
    typo = await dispatch(ctx, "history Meta aquisition")
    assert typo.ephemeral and "Did you mean acquisition?" in typo.text
    for text in (
        "history",
        "history since 30d",
        "history Meta since",
        "history Meta since soon",
        "history Meta page x",
    ):
        reply = await dispatch(ctx, text)
        assert reply.ephemeral and reply.text.startswith("Usage: history <company>"), text


async def test_history_of_a_party_that_is_not_watched_still_finds_its_events(ctx: Context, store: SqlStore) -> None:
    await watch(store)
    await Newsroom(store).new(_deal("Tiny Startup", 1), T0 - DAY)
    reply = await dispatch(ctx, "history tiny startup")
    assert reply.text.startswith("tiny startup, last 30d (page 1):") and len(reply.cards) == 1


async def test_deals_across_the_watchlist_with_types_companies_and_pages(ctx: Context, store: SqlStore) -> None:
    await watch(store)
    news = Newsroom(store)
    await news.new(investment(), T0 - 2 * DAY)
    await news.new(partnership_end(), T0 - DAY)
    await news.new(
        DealEvent(type="merger", status="announced", parties={"parties": ("Acme", "Globex")}), T0 - timedelta(hours=1)
    )
    for n in range(6):
        await news.new(_deal("Mercor", n), T0 - 20 * DAY)

    recent = await dispatch(ctx, "deals")
    assert recent.text.splitlines()[0] == "Deals for the watchlist, last 7d (page 1):"
    assert [c.event_type for c in recent.cards] == ["partnership_end", "investment"]  # not Acme/Globex
    assert recent.more is None

    month = await dispatch(ctx, "deals since 30d acquisition")
    assert len(month.cards) == 5 and {c.event_type for c in month.cards} == {"acquisition"}
    assert month.more == "deals since 30d acquisition page 2"
    assert len((await dispatch(ctx, month.more)).cards) == 1

    named = await dispatch(ctx, 'deals since 30d OpenAI "Meta Platforms"')
    assert named.text.startswith("Deals for Meta, OpenAI, last 30d") or named.text.startswith(
        "Deals for OpenAI, Meta, last 30d"
    )
    assert len(named.cards) == 5 and named.more == "deals since 30d OpenAI Meta page 2"
    only = await dispatch(ctx, "deals open ai")
    assert [c.event_type for c in only.cards] == ["partnership_end"]


async def test_deals_bad_arguments(ctx: Context, store: SqlStore) -> None:
    assert "watchlist is empty" in (await dispatch(ctx, "deals")).text
    await watch(store)
    miss = await dispatch(ctx, "deals Scael AI")
    assert miss.ephemeral and "Did you mean Scale AI?" in miss.text
    typo = await dispatch(ctx, "deals aquisitions")
    assert typo.ephemeral and typo.text.startswith("Usage: deals") and "Did you mean acquisition?" in typo.text
    bad = await dispatch(ctx, "deals since forever")
    assert bad.ephemeral and bad.text.startswith("Usage: deals")
    empty = await dispatch(ctx, "deals since 7d merger")
    assert empty.text == "No events for the watchlist, last 7d." and not empty.ephemeral


async def test_a_company_named_like_an_event_type_still_resolves(ctx: Context, store: SqlStore) -> None:
    from bot.model import Company

    await watch(store, (Company("Funding Circle"), Company("Meta")))
    news = Newsroom(store)
    await news.new(DealEvent(type="funding", status="announced", parties={"target": ("Funding Circle",)}), T0 - DAY)
    assert len((await dispatch(ctx, "deals Funding Circle")).cards) == 1
    assert len((await dispatch(ctx, "history Funding Circle")).cards) == 1
    assert len((await dispatch(ctx, "history Funding Circle funding")).cards) == 1
