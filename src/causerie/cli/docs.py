"""`causerie docs`: a user's document collections: add files (with a progress bar), list, remove, search.
`causerie ask --docs NAME` answers from them (cli/ask.py)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from causerie.cli.common import add_group, err_console, exit_interrupted, print_table
from causerie.cli.store import console, opened, stamp
from causerie.conversations import LOCAL_USER
from causerie.documents.embedders.registry import load_embedder
from causerie.documents.grounding import Source
from causerie.documents.ingest import Limits
from causerie.documents.library import DocumentLibrary
from causerie.documents.search import METHODS
from causerie.errors import CauserieError, NotFound
from causerie.i18n import t
from causerie.settings import Settings
from causerie.store import Store

USER = typer.Option(LOCAL_USER, "--user", "-u", help="cli.opt.history_user")
JSON = typer.Option(False, "--json", help="cli.opt.json")
COLLECTION = typer.Option(..., "--collection", "-c", help="cli.opt.docs_collection")


@contextmanager
def library(ctx: typer.Context, user: str) -> Iterator[tuple[DocumentLibrary, int, Settings, str]]:
    """(library, user id, settings, language); the user is created on first use, as the server does."""
    with opened(ctx) as (store, settings, lang):
        owner = store.ensure_user(user, admin=user == LOCAL_USER)
        embedder = load_embedder(settings)
        try:
            yield DocumentLibrary(store, embedder, Limits.of(settings)), owner.id, settings, lang
        finally:
            embedder.close()


class RateColumn(ProgressColumn):
    """Pages or passages per second."""

    def render(self, task: Task) -> Text:
        return Text(f"{task.speed:.1f}/s" if task.speed else "", style="progress.data.speed")


class IngestBar:
    """One bar per file: pages while it is read, then passages while they are indexed, with rate and ETA."""

    def __init__(self) -> None:
        self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), RateColumn(),
                            TimeRemainingColumn(), console=err_console, transient=True)
        self.task: TaskID | None = None
        self.stage = ""

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        if stage != self.stage or self.task is None:
            if self.task is not None:
                self.bar.remove_task(self.task)
            self.task, self.stage = self.bar.add_task(stage, total=total), stage
        self.bar.update(self.task, completed=done, total=total)

    def __enter__(self) -> IngestBar:
        self.bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.stop()


def add(ctx: typer.Context, files: list[Path] = typer.Argument(..., help="cli.opt.docs_files"),
        collection: str = COLLECTION, user: str = USER) -> None:
    failed = 0
    with library(ctx, user) as (docs, user_id, _, lang):
        for path in files:
            try:
                data = path.read_bytes()
            except OSError as error:
                message = t("documents.cli.unreadable", lang, path=path, detail=error.strerror)
                err_console.print(f"[red]✗[/] {escape(message)}")
                failed += 1
                continue
            try:
                with IngestBar() as bar:
                    result = docs.add(user_id, collection, path.name, data, progress=bar, lang=lang)
            except KeyboardInterrupt:
                exit_interrupted(lang)
            except CauserieError as error:
                err_console.print(f"[red]✗[/] {escape(error.message(lang))}", highlight=False)
                failed += 1
                continue
            document = result.document
            key = "documents.cli.unchanged" if result.status == "unchanged" else "documents.cli.added"
            message = t(key, lang, name=document.filename, collection=collection, pages=document.pages or "-",
                        chunks=document.chunk_count, seconds=f"{result.seconds:.1f}")
            console.print(f"[green]✓[/] {escape(message)}")
            for warning in document.warning_messages(lang):
                err_console.print(f"  [yellow]![/] {escape(warning)}", highlight=False)
    if failed:
        raise typer.Exit(1)


def list_docs(ctx: typer.Context, collection: str = typer.Argument(None, help="cli.opt.docs_list_collection"),
              user: str = USER, as_json: bool = JSON) -> None:
    with library(ctx, user) as (docs, user_id, _, lang):
        if collection is None:
            _print_collections(docs, user_id, lang, as_json)
        else:
            _print_documents(docs, user_id, collection, lang, as_json)


def _print_collections(docs: DocumentLibrary, user_id: int, lang: str, as_json: bool) -> None:
    found = docs.collections(user_id)
    if as_json:
        print(json.dumps([{"name": c.name, "documents": c.documents, "chunks": c.chunks, "embedder": c.embedder,
                           "updated_at": c.updated_at.isoformat()} for c in found], ensure_ascii=False, indent=1))
        return
    if not found:
        console.print(t("documents.cli.no_collections", lang))
        return
    table = Table(title=t("documents.cli.collections_title", lang, count=len(found)))
    for column in ("name", "documents", "chunks", "updated"):
        table.add_column(t(f"documents.col.{column}", lang))
    for c in found:
        table.add_row(escape(c.name), str(c.documents), str(c.chunks), stamp(c.updated_at))
    print_table(console, table)


def _print_documents(docs: DocumentLibrary, user_id: int, collection: str, lang: str, as_json: bool) -> None:
    found = docs.documents(user_id, collection)
    if as_json:
        print(json.dumps([{"id": d.id, "filename": d.filename, "media_type": d.media_type, "pages": d.pages,
                           "chunks": d.chunk_count, "sha256": d.sha256, "added_at": d.created_at.isoformat()}
                          for d in found], ensure_ascii=False, indent=1))
        return
    table = Table(title=t("documents.cli.documents_title", lang, collection=escape(collection), count=len(found)))
    for column in ("id", "file", "pages", "chunks", "added"):
        table.add_column(t(f"documents.col.{column}", lang))
    for d in found:
        table.add_row(str(d.id), escape(d.filename), str(d.pages or "-"), str(d.chunk_count), stamp(d.created_at))
    print_table(console, table)


def remove(ctx: typer.Context, collection: str = typer.Argument(..., help="cli.opt.docs_collection"),
           document: str = typer.Argument(None, help="cli.opt.docs_document"), user: str = USER,
           yes: bool = typer.Option(False, "--yes", "-y", help="cli.opt.yes")) -> None:
    with library(ctx, user) as (docs, user_id, _, lang):
        store: Store = docs.store
        if document is None:
            held = store.get_collection(user_id, collection)
            if not yes:
                typer.confirm(t("documents.cli.confirm_remove", lang, collection=collection, count=held.documents),
                              abort=True)
            store.delete_collection(user_id, collection)
            console.print(f"[green]✓[/] {escape(t('documents.cli.collection_removed', lang, collection=collection))}")
            return
        target = _document_id(store, user_id, collection, document)
        gone = store.delete_document(user_id, collection, target)
        message = t("documents.cli.document_removed", lang, name=gone.filename, collection=collection)
        console.print(f"[green]✓[/] {escape(message)}")


def _document_id(store: Store, user_id: int, collection: str, document: str) -> int:
    """A document by its id or its file name."""
    if document.isdigit():
        return int(document)
    for record in store.list_documents(user_id, collection):
        if record.filename == document:
            return record.id
    raise NotFound("documents.document_not_found", param="document_id", id=document, name=collection,
                   code="document_not_found")


def search(ctx: typer.Context, query: str = typer.Argument(..., help="cli.opt.search_query"),
           collection: list[str] = COLLECTION, user: str = USER,
           limit: int = typer.Option(5, min=1, max=50, help="cli.opt.search_limit"),
           method: str = typer.Option("hybrid", "--method", help="cli.opt.docs_method"),
           as_json: bool = JSON) -> None:
    with library(ctx, user) as (docs, user_id, _, lang):
        if method not in METHODS:
            raise typer.BadParameter(t("documents.cli.bad_method", lang, value=method, known=", ".join(METHODS)),
                                     param_hint="--method")
        hits = docs.search(user_id, collection, query, limit=limit, method=method)  # type: ignore[arg-type]
    if as_json:
        print(json.dumps([{"rank": rank, "score": round(hit.score, 6), "similarity": hit.similarity,
                           "collection": hit.passage.collection, "document_id": hit.passage.document_id,
                           "filename": hit.passage.filename, "page": hit.passage.page, "heading": hit.passage.heading,
                           "text": hit.passage.text} for rank, hit in enumerate(hits, start=1)],
                         ensure_ascii=False, indent=1))
        return
    if not hits:
        console.print(t("documents.cli.no_hits", lang))
    for rank, hit in enumerate(hits, start=1):
        label = Source(rank, hit.passage, hit.score).label(lang)
        console.print(f"[bold][{rank}][/] {escape(label)}  [dim]{hit.score:.3f}[/]", highlight=False)
        console.print(escape(_excerpt(hit.passage.text)), highlight=False)
        console.print()


def _excerpt(text: str, limit: int = 400) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit].rsplit(" ", 1)[0] + " …"


COMMANDS: dict[str, tuple[Callable[..., None], str]] = {
    "add": (add, "cli.help.docs_add"), "list": (list_docs, "cli.help.docs_list"),
    "remove": (remove, "cli.help.docs_remove"), "search": (search, "cli.help.docs_search"),
}


def register(app: typer.Typer, lang: str) -> None:
    add_group(app, "docs", "cli.help.docs", COMMANDS, lang)
