"""`causerie serve`: the OpenAI-compatible HTTP server (and, later, the web chat)."""

from __future__ import annotations

import typer

from causerie.cli.common import err_console, fail, fail_text, localized, state
from causerie.cli.progress_view import ProgressView
from causerie.engines.pool import EnginePool
from causerie.errors import CauserieError
from causerie.i18n import t
from causerie.settings import Settings


def serve(
    ctx: typer.Context,
    host: str = typer.Option(None, "--host", help="cli.opt.host"),
    port: int = typer.Option(None, "--port", "-p", help="cli.opt.port"),
    model: str = typer.Option(None, "--model", "-m", help="cli.opt.model"),
    api_key: list[str] = typer.Option(None, "--api-key", help="cli.opt.api_key"),
    allow_insecure: bool = typer.Option(None, "--allow-insecure", help="cli.opt.allow_insecure"),
    parallel: int = typer.Option(None, "--parallel", help="cli.opt.parallel"),
    context_size: int = typer.Option(None, "--context-size", help="cli.opt.context_size"),
    threads: int = typer.Option(None, "--threads", help="cli.opt.threads"),
    replicas: int = typer.Option(None, "--replicas", min=1, help="cli.opt.replicas"),
    ray_address: str = typer.Option(None, "--ray-address", help="cli.opt.ray_address"),
) -> None:
    import uvicorn

    from causerie.api import create_app

    st = state(ctx)
    settings = st.settings(host=host, port=port, model=model, api_keys=api_key or None,
                           allow_insecure=allow_insecure, parallel=parallel, context_size=context_size,
                           threads=threads, replicas=replicas, ray_address=ray_address)
    lang_ = st.language(settings)
    if not settings.is_loopback() and not settings.api_keys and not _store_has_keys(settings):
        if not settings.allow_insecure:
            fail_text(t("cli.serve.insecure", lang_, host=settings.host), code=2)
        err_console.print(f"[yellow]{t('cli.serve.insecure', lang_, host=settings.host)}[/]")
    try:
        with ProgressView(err_console) as view:
            pool = EnginePool.load(settings, lang=lang_, progress=view)
    except CauserieError as error:
        fail(error, lang_)
    err_console.print(t("cli.serve.listening", lang_, model=pool.default, host=settings.host, port=settings.port))
    try:
        uvicorn.run(create_app(settings, pool), host=settings.host, port=settings.port, log_level="warning",
                    timeout_graceful_shutdown=5)
    finally:
        pool.close()


def register(app: typer.Typer, lang: str) -> None:
    app.command(help=t("cli.help.serve", lang))(localized(serve, lang))


def _store_has_keys(settings: Settings) -> bool:
    """Keys made with `causerie keys create` protect an off-loopback bind too. A store that cannot be read
    counts as keyless, so the bind is refused rather than left open."""
    from causerie.store import StoreHandle

    handle = StoreHandle(settings.store_url)
    try:
        return handle.may_hold_keys()
    except CauserieError:
        return False
    finally:
        handle.close()
