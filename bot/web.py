"""The bot's own HTTP server: health for load balancers and operators, plus routes adapters bring (Slack HTTP mode)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from aiohttp import web

from bot.ports import Store

STARTED = datetime.now(UTC)


async def health(store: Store) -> dict[str, object]:
    sources = await store.list_sources()
    return {
        "ok": True,
        "started": STARTED.isoformat(),
        "sources": len(sources),
        "sources_failing": sum(1 for s in sources if s.error_count),
        "pending_deliveries": await store.count_pending_deliveries(),
    }


async def serve_health(
    store: Store, host: str, port: int, routes: Sequence[web.AbstractRouteDef] = ()
) -> web.AppRunner:
    """Serves /healthz and `routes` (e.g. Slack's POST /slack/events) on host:port."""

    async def healthz(_request: web.Request) -> web.Response:
        try:
            return web.json_response(await health(store))
        except Exception as exc:  # the database being down is exactly what health must report
            return web.json_response({"ok": False, "error": type(exc).__name__}, status=503)

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    app.add_routes(routes)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner
