"""The app factory. Nothing is created at import time: engines load in the lifespan, from settings."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from fastapi import FastAPI

from causerie import __version__
from causerie.api.audio.router import router as audio_router
from causerie.api.audio.service import SpeechService, TranscriptionService
from causerie.api.auth import Gatekeeper
from causerie.api.chat.router import router as chat_router
from causerie.api.chat.service import ChatService
from causerie.api.completions.router import router as completions_router
from causerie.api.completions.service import CompletionService
from causerie.api.conversations.router import router as conversations_router
from causerie.api.conversations.service import ConversationService
from causerie.api.documents.router import UPLOAD_PATH
from causerie.api.documents.router import router as documents_router
from causerie.api.documents.service import DocumentService
from causerie.api.embeddings.router import router as embeddings_router
from causerie.api.embeddings.service import EmbeddingService
from causerie.api.errors import install_error_handlers
from causerie.api.health.router import router as health_router
from causerie.api.metrics import Metrics, MetricsMiddleware
from causerie.api.middleware import BodyLimit
from causerie.api.models.router import router as models_router
from causerie.api.models.service import ModelService
from causerie.api.openapi import COMMON, install_docs
from causerie.api.retention import start_store_tasks, stop_store_tasks
from causerie.api.skills.router import router as skills_router
from causerie.api.skills.service import SkillService
from causerie.engines.pool import EnginePool
from causerie.settings import Settings
from causerie.store import StoreHandle
from causerie.web import install_web


@dataclass
class Services:
    pool: EnginePool
    chat: ChatService
    completions: CompletionService
    models: ModelService
    skills: SkillService
    conversations: ConversationService
    speech: SpeechService
    transcriptions: TranscriptionService
    embeddings: EmbeddingService
    documents: DocumentService


def build_services(pool: EnginePool, metrics: Metrics, settings: Settings, store: StoreHandle) -> Services:
    for engine in pool.engines.values():  # the server's queue limits; a CLI session waits as long as it takes
        engine.admission.configure(settings.max_queue, settings.queue_timeout)
    metrics.watch(pool)
    embeddings = EmbeddingService(settings)  # the embedder is built, and its model loaded, on first use
    documents = DocumentService(store, settings)  # shares that embedder
    return Services(
        pool=pool,
        chat=ChatService(pool, metrics, settings, documents),
        completions=CompletionService(pool, metrics, settings),
        models=ModelService(pool, started=int(time.time()), embeddings=embeddings),
        skills=SkillService(pool, settings.skill_timeout),
        conversations=ConversationService(store, pool, metrics, settings, documents),
        # Voices load on first use; Whisper too (1-3 s), so the server starts fast without it.
        speech=SpeechService(settings),
        transcriptions=TranscriptionService(settings),
        embeddings=embeddings,
        documents=documents,
    )


def create_app(settings: Settings, pool: EnginePool | None = None) -> FastAPI:
    """The ASGI app. Pass `pool` to serve engines you built (tests pass a FakeEngine); otherwise the
    configured models are loaded at startup and closed at shutdown."""
    metrics = Metrics()
    store = StoreHandle(settings.store_url)  # connects on first use, not here

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = pool is None
        active = pool or EnginePool.load(settings)
        app.state.services = build_services(active, metrics, settings, store)
        tasks = start_store_tasks(store, settings)  # never waited for: /v1 serves without a store
        try:
            yield
        finally:
            await stop_store_tasks(tasks, store)
            if owned:
                active.close()

    # The document and its viewers are served by install_docs (behind a key if the operator wants).
    app = FastAPI(title="causerie", version=__version__, lifespan=lifespan, responses=COMMON, openapi_url=None,
                  docs_url=None, redoc_url=None)
    app.state.settings = settings
    app.state.metrics = metrics
    app.state.store = store
    app.state.gatekeeper = Gatekeeper(settings, store)
    if pool is not None:  # usable without running the lifespan (e.g. some test clients)
        app.state.services = build_services(pool, metrics, settings, store)
    install_error_handlers(app)
    for router in (chat_router, completions_router, models_router, skills_router, audio_router, embeddings_router,
                   health_router):
        app.include_router(router)
    app.include_router(conversations_router)
    app.include_router(documents_router)
    install_web(app, settings)  # the web chat at /: a client of the routes above, nothing more
    install_docs(app)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes,
                       routes={"/v1/audio/transcriptions": settings.max_audio_bytes},
                       # a document, its multipart framing, and room for a few more files of a batch
                       patterns=[(UPLOAD_PATH, settings.max_document_bytes + 64 * 1024, "documents.upload_too_large")])
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    return app
