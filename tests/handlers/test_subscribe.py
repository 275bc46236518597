"""subscribe / unsubscribe / subscriptions: this channel's subscriptions, with route's `*` and `any`."""

from __future__ import annotations

from bot.model import EVENT_TYPES, Subscription
from bot.store import SqlStore
from handlers import dispatch
from handlers.context import Context
from tests.handlers.conftest import MakeContext
from tests.handlers.samples import watch


async def test_subscribe_defaults_to_every_watched_company_every_type_from_announced(
    ctx: Context, store: SqlStore
) -> None:
    reply = await dispatch(ctx, "subscribe")
    (sub,) = await store.list_subscriptions("slack:C1")
    assert sub == Subscription("slack:C1", ("*",), EVENT_TYPES, "announced", id=sub.id)
    assert reply.text.startswith(f"Subscribed this channel: #{sub.id} all watched companies: every type; announced")
    assert "watchlist is empty" in reply.text  # nothing can arrive yet


async def test_subscribe_to_a_company_by_alias_with_types_and_status(ctx: Context, store: SqlStore) -> None:
    await watch(store)
    reply = await dispatch(ctx, "subscribe scale.com partnership_end investments completed")
    (sub,) = await store.list_subscriptions("slack:C1")
    assert sub == Subscription("slack:C1", ("Scale AI",), ("investment", "partnership_end"), "completed", id=sub.id)
    assert reply.text == (
        f"Subscribed this channel: #{sub.id} Scale AI: Investment, Partnership ended; completed or later"
    )


async def test_unquoted_company_names_of_several_words_and_the_groups(ctx: Context, store: SqlStore) -> None:
    await watch(store)
    await dispatch(ctx, "subscribe Scale AI acquisition")
    await dispatch(ctx, "subscribe any rumor")
    await dispatch(ctx, "subscribe all merger")
    subs = await store.list_subscriptions("slack:C1")
    assert [(s.companies, s.types, s.min_status) for s in subs] == [
        (("Scale AI",), ("acquisition",), "announced"),
        (("any",), EVENT_TYPES, "rumor"),
        (("*",), ("merger",), "announced"),
    ]


async def test_subscribing_twice_keeps_one(ctx: Context, store: SqlStore) -> None:
    await watch(store)
    await dispatch(ctx, "subscribe Meta investment acquisition")
    again = await dispatch(ctx, "subscribe meta acquisition investment")
    assert again.text.startswith("This channel is already subscribed: #")
    assert len(await store.list_subscriptions("slack:C1")) == 1


async def test_subscribe_with_a_near_miss_asks_did_you_mean(ctx: Context, store: SqlStore) -> None:
    await watch(store)
    reply = await dispatch(ctx, "subscribe Scael AI")
    assert reply.ephemeral and reply.text == '"Scael AI" is not on the watchlist. Did you mean Scale AI?'
    typo = await dispatch(ctx, "subscribe Meta aquisition")
    assert typo.ephemeral and typo.text.startswith("Usage: subscribe")
    assert "Did you mean acquisition?" in typo.text
    two = await dispatch(ctx, "subscribe Meta rumor completed")
    assert two.ephemeral and two.text.startswith("Usage: subscribe") and "one minimum status" in two.text
    assert await store.list_subscriptions() == []


async def test_subscribe_unsubscribe_round_trip(ctx: Context, store: SqlStore) -> None:
    await watch(store)
    await dispatch(ctx, "subscribe Scale AI")
    await dispatch(ctx, "subscribe all")
    listed = await dispatch(ctx, "subscriptions")
    assert listed.text.splitlines()[0] == "This channel's subscriptions:"
    assert len(listed.text.splitlines()) == 3

    gone = await dispatch(ctx, "unsubscribe scale")
    assert gone.text.startswith("Unsubscribed: #") and "Scale AI" in gone.text
    assert [s.companies for s in await store.list_subscriptions("slack:C1")] == [("*",)]
    assert (await dispatch(ctx, "unsubscribe all")).text.startswith("Unsubscribed: #")
    assert await store.list_subscriptions("slack:C1") == []
    assert (await dispatch(ctx, "subscriptions")).text.startswith("This channel has no subscriptions.")


async def test_unsubscribe_by_id_only_in_this_channel(make_ctx: MakeContext, store: SqlStore) -> None:
    here, there = make_ctx(channel="slack:C1"), make_ctx(channel="discord:42")
    await dispatch(here, "subscribe any")
    await dispatch(there, "subscribe any")
    (mine,) = await store.list_subscriptions("slack:C1")
    (theirs,) = await store.list_subscriptions("discord:42")
    refused = await dispatch(here, f"unsubscribe {theirs.id}")
    assert refused.ephemeral and f"no subscription #{theirs.id}" in refused.text
    assert len(await store.list_subscriptions()) == 2
    assert (await dispatch(here, f"unsubscribe #{mine.id}")).text.startswith(f"Unsubscribed: #{mine.id}")
    assert await store.list_subscriptions() == [theirs]


async def test_unsubscribing_one_company_of_a_shared_subscription_keeps_the_others(
    ctx: Context, store: SqlStore
) -> None:
    await watch(store)
    await store.add_subscription(Subscription("slack:C1", ("Meta", "OpenAI"), ("investment",), "rumor"))
    reply = await dispatch(ctx, "unsubscribe Meta")
    assert "Kept for the other companies" in reply.text
    (left,) = await store.list_subscriptions("slack:C1")
    assert (left.companies, left.types, left.min_status) == (("OpenAI",), ("investment",), "rumor")


async def test_unsubscribe_reaches_companies_no_longer_watched(ctx: Context, store: SqlStore) -> None:
    await store.add_subscription(Subscription("slack:C1", ("Acme Corp",)))
    assert (await dispatch(ctx, "unsubscribe acme corp")).text.startswith("Unsubscribed:")
    assert await store.list_subscriptions() == []


async def test_unsubscribe_that_matches_nothing(ctx: Context, store: SqlStore) -> None:
    await watch(store)
    await dispatch(ctx, "subscribe Scale AI")
    nothing = await dispatch(ctx, "unsubscribe Meta")
    assert nothing.ephemeral and nothing.text == "This channel has no subscription for Meta. See subscriptions."
    miss = await dispatch(ctx, "unsubscribe Scael")
    assert miss.ephemeral and "Did you mean Scale AI?" in miss.text
    assert (await dispatch(ctx, "unsubscribe any")).text.startswith("This channel has no subscription for any company")
    usage = await dispatch(ctx, "unsubscribe")
    assert usage.ephemeral and usage.text.startswith("Usage: unsubscribe")
    assert len(await store.list_subscriptions()) == 1


async def test_subscriptions_lists_only_this_channel(make_ctx: MakeContext) -> None:
    await dispatch(make_ctx(channel="discord:42"), "subscribe any")
    assert (await dispatch(make_ctx(), "subscriptions")).text.startswith("This channel has no subscriptions.")
    assert (await dispatch(make_ctx(), "subscriptions all")).text == "Usage: subscriptions"
