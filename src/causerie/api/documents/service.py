"""The collections API's logic: a caller's collections and documents, uploads with progress, search, and
grounding a chat on collections. No FastAPI. Parsing, embedding and SQL block: each runs in a worker thread."""

from __future__ import annotations

import functools
import json
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import anyio
from anyio.from_thread import BlockingPortal

from causerie.api.auth import Principal
from causerie.api.documents.protocol import (
    CollectionCreate,
    CollectionList,
    CollectionOut,
    Deleted,
    DocumentList,
    DocumentOut,
    PassageList,
    PassageOut,
    SearchRequest,
    SearchResult,
    SearchResults,
)
from causerie.api.generation import SSE_DONE, sse
from causerie.documents.embedders.base import Embedder
from causerie.documents.embedders.registry import shared_embedder
from causerie.documents.ingest import Limits
from causerie.documents.library import DocumentLibrary, Grounding
from causerie.errors import CauserieError, Forbidden, NotFound
from causerie.settings import Settings
from causerie.store import Store, StoreHandle

T = TypeVar("T")
HISTORY_SCOPE = "history"  # collections are the caller's stored data, as conversations are


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes
    media_type: str | None


def need_history(principal: Principal) -> None:
    if HISTORY_SCOPE not in principal.scopes:
        raise Forbidden("auth.missing_scope", scope=HISTORY_SCOPE, scopes=" ".join(sorted(principal.scopes)) or "-")


class DocumentService:
    def __init__(self, store: StoreHandle, settings: Settings, embedder: Embedder | None = None):
        self.handle, self.settings = store, settings
        self._embedder = embedder  # tests pass a FakeEmbedder; the server builds the configured one on first use

    async def _call(self, function: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        return await anyio.to_thread.run_sync(functools.partial(function, *args, **kwargs))

    def _library_now(self) -> DocumentLibrary:
        embedder = self._embedder or shared_embedder(self.settings)
        return DocumentLibrary(self.handle.get(), embedder, Limits.of(self.settings))

    async def library(self, principal: Principal) -> tuple[DocumentLibrary, int]:
        need_history(principal)
        library = await self._call(self._library_now)
        return library, await self._user_id(library.store, principal)

    async def _user_id(self, store: Store, principal: Principal) -> int:
        if principal.key is not None:
            return principal.key.user_id
        return (await self._call(store.ensure_user, principal.user_name, admin=True)).id

    # --- collections ---
    async def list(self, principal: Principal) -> CollectionList:
        library, user_id = await self.library(principal)
        return CollectionList(data=[CollectionOut.of(c) for c in await self._call(library.collections, user_id)])

    async def create(self, principal: Principal, body: CollectionCreate) -> CollectionOut:
        library, user_id = await self.library(principal)
        return CollectionOut.of(await self._call(library.create, user_id, body.name, body.description))

    async def get(self, principal: Principal, name: str) -> CollectionOut:
        library, user_id = await self.library(principal)
        return CollectionOut.of(await self._call(library.store.get_collection, user_id, name))

    async def delete(self, principal: Principal, name: str) -> Deleted:
        library, user_id = await self.library(principal)
        await self._call(library.store.delete_collection, user_id, name)
        return Deleted(object="collection", id=name)

    # --- documents ---
    async def documents(self, principal: Principal, name: str) -> DocumentList:
        library, user_id = await self.library(principal)
        records = await self._call(library.documents, user_id, name)
        return DocumentList(data=[DocumentOut.of(record, name) for record in records])

    async def delete_document(self, principal: Principal, name: str, document_id: int) -> Deleted:
        library, user_id = await self.library(principal)
        await self._call(library.store.delete_document, user_id, name, document_id)
        return Deleted(object="document", id=document_id)

    async def passages(self, principal: Principal, name: str, document_id: int) -> PassageList:
        library, user_id = await self.library(principal)
        records = await self._call(library.store.document_chunks, user_id, name, document_id)
        if not records:  # a document with no chunk does not exist: they are written together
            raise NotFound("documents.document_not_found", param="document_id", id=document_id, name=name,
                           code="document_not_found")
        return PassageList(data=[PassageOut.of(record) for record in records])

    async def upload(self, principal: Principal, name: str, files: Sequence[Upload], lang: str | None
                     ) -> DocumentList:
        """Files one after the other; each is whole or absent. The first failure is raised (its status: 413,
        415, 400), the files before it stay added."""
        library, user_id = await self.library(principal)
        added = []
        for upload in files:
            result = await self._call(library.add, user_id, name, upload.filename, upload.data,
                                      media_type=upload.media_type, lang=lang)
            added.append(DocumentOut.of(result.document, name, result.status, lang))
        return DocumentList(data=added)

    async def upload_events(self, principal: Principal, name: str, files: Sequence[Upload], lang: str | None
                            ) -> AsyncIterator[bytes]:
        """The same, as server-sent events: `progress` (file, stage, done, total), `document` when a file is
        in, `error` when one is refused (the others still go in), then [DONE]."""
        library, user_id = await self.library(principal)
        send, receive = anyio.create_memory_object_stream[bytes](256)

        def event(kind: str, **data: Any) -> bytes:  # one `data:` line per event, as every stream here
            return sse(json.dumps({"type": kind, **data}, ensure_ascii=False))

        async def work() -> None:
            async with send, BlockingPortal() as portal:
                for position, upload in enumerate(files, start=1):
                    def progress(stage: str, done: int, total: int | None, *, _file: str = upload.filename,
                                 _n: int = position) -> None:
                        portal.call(send.send, event("progress", file=_file, index=_n, files=len(files),
                                                     stage=stage, done=done, total=total))
                    try:
                        result = await anyio.to_thread.run_sync(functools.partial(
                            library.add, user_id, name, upload.filename, upload.data,
                            media_type=upload.media_type, progress=progress, lang=lang))
                    except CauserieError as error:
                        await send.send(event("error", file=upload.filename, index=position,
                                              **error.to_openai(lang)))
                        continue
                    document = DocumentOut.of(result.document, name, result.status, lang)
                    await send.send(event("document", index=position, **document.model_dump(mode="json")))
                await send.send(SSE_DONE)

        async def stream() -> AsyncIterator[bytes]:
            async with anyio.create_task_group() as group:
                group.start_soon(work)
                async with receive:
                    async for item in receive:
                        yield item

        return stream()

    # --- search and grounding ---
    async def search(self, principal: Principal, body: SearchRequest) -> SearchResults:
        library, user_id = await self.library(principal)
        hits = await self._call(library.search, user_id, body.collections, body.query, limit=body.limit,
                                method=body.method)
        return SearchResults(query=body.query, method=body.method,
                             data=[SearchResult.of(rank, hit) for rank, hit in enumerate(hits, start=1)])

    async def ground(self, principal: Principal, collections: Sequence[str], messages: Sequence[dict[str, Any]],
                     lang: str | None) -> Grounding:
        library, user_id = await self.library(principal)
        return await self._call(library.ground, user_id, collections, messages, lang)

    # --- for the conversations API, whose caller is already a store user with the history scope ---
    async def ground_for(self, user_id: int, collections: Sequence[str], messages: Sequence[dict[str, Any]],
                         lang: str | None) -> Grounding:
        library = await self._call(self._library_now)
        return await self._call(library.ground, user_id, collections, messages, lang)

    async def collection_for(self, user_id: int, name: str) -> CollectionOut:
        store = await self._call(self.handle.get)
        return CollectionOut.of(await self._call(store.get_collection, user_id, name))
