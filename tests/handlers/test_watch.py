"""watch add / remove / list: quoting decides aliases, names resolve forgivingly, removal only on exact names."""

from __future__ import annotations

from bot.model import Company
from bot.store import SqlStore
from handlers import dispatch
from handlers.context import Context
from tests.handlers.samples import watch


async def _companies(store: SqlStore) -> dict[str, tuple[str, ...]]:
    return {c.name: c.aliases for c in await store.list_companies()}


async def test_a_quoted_name_takes_the_words_after_it_as_aliases(admin: Context, store: SqlStore) -> None:
    reply = await dispatch(admin, 'watch add "Scale AI" Scale scale.com')
    assert reply.text == "Now watching Scale AI (aliases: Scale, scale.com)."
    assert not reply.ephemeral
    assert await _companies(store) == {"Scale AI": ("Scale", "scale.com")}


async def test_smart_quotes_count_as_quotes(admin: Context, store: SqlStore) -> None:
    await dispatch(admin, "watch add “Scale AI” Scale")
    assert await _companies(store) == {"Scale AI": ("Scale",)}


async def test_unquoted_words_are_all_the_name_with_a_tip_about_quoting(admin: Context, store: SqlStore) -> None:
    reply = await dispatch(admin, "watch add Scale AI")
    assert reply.text.startswith("Now watching Scale AI.")
    assert 'watch add "Scale" AI' in reply.text
    assert await _companies(store) == {"Scale AI": ()}
    assert (await dispatch(admin, "watch add OpenAI")).text == "Now watching OpenAI."


async def test_adding_a_watched_company_again_adds_only_new_aliases(admin: Context, store: SqlStore) -> None:
    await store.upsert_company(Company("Scale AI", aliases=("Scale",), context_required=True))
    reply = await dispatch(admin, 'watch add "scale ai" scale scale.com SCALE.COM')
    assert reply.text == "Added alias scale.com to Scale AI."
    (company,) = await store.list_companies()
    assert company == Company("Scale AI", aliases=("Scale", "scale.com"), context_required=True)
    again = await dispatch(admin, "watch add Scale AI")
    assert again.text == "Scale AI is already on the watchlist (aliases: Scale, scale.com)."


async def test_a_name_or_alias_another_company_uses_is_refused(admin: Context, store: SqlStore) -> None:
    await watch(store)
    reply = await dispatch(admin, 'watch add "Scale Labs" Scale')
    assert reply.ephemeral and '"Scale" already means Scale AI' in reply.text
    reply = await dispatch(admin, "watch add Meta Platforms")
    assert reply.ephemeral and "already means Meta" in reply.text
    assert "Scale Labs" not in await _companies(store)


async def test_bad_names_get_the_usage_line(admin: Context, store: SqlStore) -> None:
    for text in ("watch add", 'watch add ""', "watch add all", 'watch add "any" x', "watch add " + "x" * 101):
        reply = await dispatch(admin, text)
        assert reply.ephemeral and reply.text.startswith("Usage: watch add <company> [aliases...]"), text
    assert await store.list_companies() == []


async def test_remove_takes_a_name_or_alias_in_any_case(admin: Context, store: SqlStore) -> None:
    await watch(store)
    reply = await dispatch(admin, "watch remove scale.com")
    assert reply.text.startswith("Stopped watching Scale AI.")
    assert "Scale AI" not in await _companies(store)
    assert (await dispatch(admin, "watch remove meta")).text.startswith("Stopped watching Meta.")


async def test_remove_with_a_near_miss_suggests_and_deletes_nothing(admin: Context, store: SqlStore) -> None:
    await watch(store)
    reply = await dispatch(admin, "watch remove Scael AI")
    assert reply.ephemeral
    assert reply.text == '"Scael AI" is not on the watchlist. Did you mean Scale AI (watch remove "Scale AI")?'
    assert len(await store.list_companies()) == 4
    assert (await dispatch(admin, "watch remove")).text == "Usage: watch remove <company>"


async def test_list_shows_names_and_aliases(ctx: Context, store: SqlStore) -> None:
    assert "The watchlist is empty" in (await dispatch(ctx, "watch list")).text
    await watch(store)
    reply = await dispatch(ctx, "watch list")
    assert reply.text.splitlines() == [
        "Watching 4 companies:",
        "- Mercor",
        "- Meta (aliases: Meta Platforms)",
        "- OpenAI",
        "- Scale AI (aliases: Scale, scale.com)",
    ]
    assert (await dispatch(ctx, "watch list please")).text == "Usage: watch list"


async def test_handlers_take_plain_argument_lists_from_adapters(admin: Context, store: SqlStore) -> None:
    """An adapter with typed options passes plain strings: a name with a space was clearly one option."""
    from handlers import COMMANDS

    await COMMANDS["watch add"].handler(admin, ["Scale AI", "Scale"])
    await COMMANDS["watch add"].handler(admin, ["Meta", "Platforms"])
    assert await _companies(store) == {"Meta Platforms": (), "Scale AI": ("Scale",)}
