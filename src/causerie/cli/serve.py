"""`causerie serve`: the OpenAI-compatible HTTP server (and, later, the web chat)."""

from __future__ import annotations

import typer

from causerie.cli.common import err_console, fail, fail_text, state
from causerie.cli.progress_view import ProgressView
from causerie.engines.pool import EnginePool
from causerie.errors import CauserieError
from causerie.i18n import t
from causerie.settings import Settings


def register(app: typer.Typer, lang: str) -> None:
    @app.command(help=t("cli.help.serve", lang))
    def serve(
        ctx: typer.Context,
        host: str = typer.Option(None, "--host", help=t("cli.opt.host", lang)),
        port: int = typer.Option(None, "--port", "-p", help=t("cli.opt.port", lang)),
        model: str = typer.Option(None, "--model", "-m", help=t("cli.opt.model", lang)),
        api_key: list[str] = typer.Option(None, "--api-key", help=t("cli.opt.api_key", lang)),
        allow_insecure: bool = typer.Option(None, "--allow-insecure", help=t("cli.opt.allow_insecure", lang)),
        parallel: int = typer.Option(None, "--parallel", help=t("cli.opt.parallel", lang)),
        context_size: int = typer.Option(None, "--context-size", help=t("cli.opt.context_size", lang)),
        threads: int = typer.Option(None, "--threads", help=t("cli.opt.threads", lang)),
        replicas: int = typer.Option(None, "--replicas", min=1, help=t("cli.opt.replicas", lang)),
        ray_address: str = typer.Option(None, "--ray-address", help=t("cli.opt.ray_address", lang)),
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
            view = ProgressView(err_console)
            try:
                pool = EnginePool.load(settings, lang=lang_, progress=view)
            finally:
                view.close()
        except CauserieError as error:
            fail(error, lang_)
        err_console.print(t("cli.serve.listening", lang_, model=pool.default, host=settings.host, port=settings.port))
        try:
            uvicorn.run(create_app(settings, pool), host=settings.host, port=settings.port, log_level="warning",
                        timeout_graceful_shutdown=5)
        finally:
            pool.close()


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
