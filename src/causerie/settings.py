"""One typed settings object for every surface.

Precedence: explicit values (the CLI) > environment `CAUSERIE_*` > `config.toml` in the data directory
> defaults. Every field carries help text; a test fails if one does not.
"""

from __future__ import annotations

import ipaddress
import json
import os
from pathlib import Path
from typing import Annotated, Literal

import platformdirs
from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from causerie.i18n import t

DEFAULT_MODEL = "qwen2.5-coder-1.5b-instruct"
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


def default_home() -> Path:
    return Path(platformdirs.user_data_dir("causerie", appauthor=False))


def resolve_home(explicit: Path | str | None = None) -> Path:
    """The data directory is needed before settings load, to find the config file in it."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get("CAUSERIE_HOME")
    return Path(env).expanduser() if env else default_home()


class RemoteModel(BaseModel):
    """An OpenAI-compatible server (vLLM, Ollama, Mistral, another causerie) exposed under a local name, or a
    pool of such servers (`base_urls`) that share the requests (docs/remote-pools.md)."""

    name: str = Field(description="Local model name clients use, e.g. 'mistral-small'.")
    base_url: str | None = Field(
        None, description="Base URL of the server's API, e.g. 'http://127.0.0.1:11434/v1' (or `base_urls`)."
    )
    base_urls: list[str] | None = Field(
        None, description="A pool: base URLs of several servers of the same model; each request goes to the "
        "least busy one that is up (instead of `base_url`).",
    )
    weights: list[int] | None = Field(
        None, description="Relative capacity of each server of `base_urls`, in the same order (default: 1 each).",
    )
    model: str | None = Field(None, description="Model id on the remote server; defaults to `name`.")
    api_key: SecretStr | None = Field(None, description="Bearer key sent to the remote server(s), if any.")
    timeout: float = Field(120.0, gt=0, description="Seconds to wait for the remote server to answer.")
    connect_timeout: float = Field(5.0, gt=0, description="Seconds to wait for a connection.")
    retries: int = Field(2, ge=0, le=10, description="Retries on connection errors and 429/5xx before any output.")
    context_length: int | None = Field(None, gt=0, description="Context length, if known, shown on the model card.")
    license: str = Field("unknown", description="License of the remote model, shown on the model card.")

    @model_validator(mode="after")
    def _one_way_to_the_servers(self) -> RemoteModel:
        # The messages follow the locale: settings are read before the `lang` setting is known.
        if (self.base_url is None) == (self.base_urls is None):
            raise ValueError(t("pool.url_both" if self.base_url is not None else "pool.url_missing", name=self.name))
        if self.base_urls is None:
            if self.weights is not None:
                raise ValueError(t("pool.weights_without_pool", name=self.name))
            return self
        self._check_pool(self.base_urls, self.weights or [])
        return self

    def _check_pool(self, urls: list[str], weights: list[int]) -> None:
        if not urls:
            raise ValueError(t("pool.urls_empty", name=self.name))
        for url in urls:
            if not url.startswith(("http://", "https://")):
                raise ValueError(t("pool.url_scheme", name=self.name, url=url))
        seen = [url.rstrip("/") for url in urls]
        for url in seen:
            if seen.count(url) > 1:
                raise ValueError(t("pool.url_duplicate", name=self.name, url=url))
        if weights and len(weights) != len(urls):
            raise ValueError(t("pool.weights_length", name=self.name, weights=len(weights), urls=len(urls)))
        for url, weight in zip(urls, weights, strict=False):
            if weight <= 0:
                raise ValueError(t("pool.weight_not_positive", name=self.name, url=url, weight=weight))

    @property
    def urls(self) -> list[str]:
        """The servers' base URLs: the pool's, or the single `base_url` as a pool of one."""
        return list(self.base_urls) if self.base_urls is not None else [str(self.base_url)]

    @property
    def upstream_weights(self) -> list[int]:
        return list(self.weights) if self.weights else [1] * len(self.urls)

    @property
    def is_pool(self) -> bool:
        return self.base_urls is not None


class Settings(BaseSettings):
    """Every setting of causerie, with help text. CLI > env CAUSERIE_* > config.toml > default."""

    model_config = SettingsConfigDict(
        env_prefix="CAUSERIE_", env_nested_delimiter="__", extra="ignore", validate_default=True
    )

    home: Path = Field(default_factory=resolve_home, description="Data directory: models, config, database.")
    lang: Literal["auto", "fr", "en"] = Field(
        "auto", description="Interface language; 'auto' follows the locale (LANG, LC_ALL), French otherwise."
    )
    model: str = Field(DEFAULT_MODEL, description="Default model name (see `causerie models`) or a .gguf path.")
    threads: int = Field(
        default_factory=lambda: len(os.sched_getaffinity(0)) or 2, ge=1,
        description="CPU threads for the local engine (default: the CPUs this process may use).",
    )
    context_size: int = Field(8192, ge=256, description="Total context (tokens) of the local engine.")
    parallel: int = Field(4, ge=1, le=64, description="Parallel slots: requests the local engine batches at once.")
    batch_size: int = Field(512, ge=32, description="Prompt-processing batch size of the local engine.")
    kv_unified: bool = Field(
        True, description="Share the whole context between slots, so one long chat may use all of it."
    )
    gpu_layers: int = Field(0, ge=-1, description="Layers offloaded to a GPU (0: CPU only, -1: all).")
    prompt_cache_mib: int = Field(
        256, ge=0, description="Host RAM (MiB) llama.cpp may use to keep old prompts for reuse."
    )
    host: str = Field("127.0.0.1", description="Address the HTTP server binds to.")
    port: int = Field(8000, ge=0, le=65535, description="Port the HTTP server listens on.")
    api_keys: Annotated[list[SecretStr], NoDecode] = Field(
        default_factory=list,
        description="Bearer keys accepted by the HTTP API (comma-separated in the environment); "
        "empty means no auth (loopback only).",
    )
    allow_insecure: bool = Field(
        False, description="Allow binding to a non-loopback address without an API key."
    )
    max_body_bytes: int = Field(4 * 1024 * 1024, ge=1024, description="Largest HTTP request body accepted (bytes).")
    max_tokens_default: int | None = Field(
        None, ge=1, description="Completion-token cap when a request sets none (None: until the context ends)."
    )
    cli_max_tokens: int = Field(
        1024, ge=0, description="Token cap of an answer in `causerie ask` and `causerie chat` when --max-tokens "
        "is not given (0: none; the server's API follows max_tokens_default instead).",
    )
    max_queue: int = Field(
        16, ge=0, description="Requests that may wait for a free slot of an engine while its slots are busy; "
        "past it the server answers 503 with Retry-After (0: none wait).",
    )
    queue_timeout: float = Field(
        300.0, gt=0, description="Seconds a request may wait for a free slot before it gets a 503.",
    )
    stall_timeout: float = Field(
        120.0, gt=0, description="GET /health answers 503 when an engine has produced nothing for this many "
        "seconds while generations run (a wedged engine).",
    )
    sse_keepalive: float = Field(
        5.0, gt=0, description="Seconds of silence after which a stream sends an SSE comment, so clients and "
        "proxies see it is alive (while queued, or while a long prompt is read).",
    )
    skill_timeout: float = Field(
        900.0, gt=0, description="Seconds a skill run over HTTP may take before it is stopped with an error.",
    )
    metrics_require_key: bool = Field(
        False, description="Once API keys exist, require one for GET /metrics too (public by default, for "
        "scrapers).",
    )
    docs_require_key: bool = Field(
        False, description="Once API keys exist, require one for /docs, /redoc and /openapi.json too.",
    )
    remotes: list[RemoteModel] = Field(
        default_factory=list, description="Remote OpenAI-compatible models served under local names."
    )
    replicas: int | None = Field(
        None, ge=1, le=256, description="Serve the default model from this many engine replicas on a Ray Serve "
        "cluster (None: one engine in this process, and Ray is never imported).",
    )
    ray_address: str | None = Field(
        None, description="Ray cluster to join (host:port of a head started with `ray start --head`); None: "
        "start one on this machine, on 127.0.0.1.",
    )
    ray_cpus: int | None = Field(
        None, ge=1, description="CPUs of the Ray instance causerie starts itself (None: the CPUs of this process).",
    )
    min_replicas: int | None = Field(
        None, ge=0, description="Autoscaling: fewest replicas (with max_replicas; None: `replicas`, fixed).",
    )
    max_replicas: int | None = Field(
        None, ge=1, description="Autoscaling: most replicas (None: `replicas`, fixed).",
    )
    replica_cpus: float = Field(1.0, gt=0, description="CPUs Ray reserves for each replica.")
    replica_threads: int | None = Field(
        None, ge=1, description="CPU threads of each replica's engine (None: `threads`).",
    )
    replica_affinity: bool = Field(
        True, description="Send the turns of one conversation to the replica that holds its prompt in cache "
        "(off: Serve's power of two choices).",
    )
    verbose_engine: bool = Field(False, description="Show llama.cpp's own logs.")
    tts_voice_fr: str = Field("camille", description="Default French voice (see `causerie voices`).")
    tts_voice_en: str = Field("ava", description="Default English voice (see `causerie voices`).")
    tts_max_chars: int = Field(
        20_000, ge=1, description="Longest text `POST /v1/audio/speech` and `causerie speak` accept, in characters "
        "(400 beyond).",
    )
    tts_sample_rate: int = Field(
        24000, ge=8000, le=48000, description="Sample rate (Hz) of synthesized audio; 24000 is what OpenAI "
        "clients expect of `pcm`.",
    )
    tts_piper_voices: list[Path] = Field(
        default_factory=list, description="Piper voices (.onnx files, their .onnx.json beside them) offered "
        "beside espeak-ng's; see docs/speech.md.",
    )
    whisper_model: str = Field("whisper-base", description="Speech-to-text model (see `causerie models`).")
    whisper_vad: bool = Field(
        True, description="Skip silence before transcribing (voice-activity detection): silence gives no text "
        "instead of invented words.",
    )
    whisper_threads: int | None = Field(
        None, ge=1, description="CPU threads for Whisper transcription (None: the same as `threads`)."
    )
    max_audio_bytes: int = Field(
        25 * 1024 * 1024, ge=1024, description="Largest audio file `POST /v1/audio/transcriptions` accepts "
        "(bytes; 413 beyond).",
    )
    max_audio_seconds: int = Field(
        3600, ge=1, description="Longest audio transcribed in one request (seconds; 413 beyond, found while "
        "decoding).",
    )
    eval_data: Path | None = Field(
        None, description="Folder of benchmark files for `causerie eval` (the layout of eval-data: "
        "flores200_devtest_en_fr/, humaneval/, ...); `--data` overrides it for one run.",
    )
    database_url: SecretStr | None = Field(
        None, description="Conversation store: a SQLAlchemy URL, e.g. 'postgresql+psycopg://user:pw@host/db'; "
        "default: the SQLite file causerie.db in the data directory (WAL mode).",
    )
    retention_days: int | None = Field(
        None, ge=1, description="Delete conversations untouched for this many days (the server purges hourly); "
        "None keeps them forever.",
    )
    rate_limit_per_minute: int = Field(
        120, ge=0, description="Requests a stored API key may make per minute, unless the key sets its own "
        "(0: no limit).",
    )
    token_quota_per_day: int | None = Field(
        None, ge=1, description="Tokens (prompt + completion) a stored API key may use per UTC day, unless the "
        "key sets its own; None: no quota.",
    )
    max_message_chars: int = Field(
        200_000, ge=1, description="Longest message accepted in a stored conversation, in characters (413 beyond).",
    )
    store_flush_ms: int = Field(
        250, ge=0, description="How often (ms) a streamed answer is written to the store while it streams.",
    )

    embedder: str = Field(
        "e5", description="Embedder for documents and /v1/embeddings (see the `causerie.embedders` entry "
        "points): 'e5' (bundled multilingual-e5-small, offline) or 'remote' (an OpenAI-compatible "
        "/v1/embeddings server at `embedder_url`).",
    )
    embedder_url: str | None = Field(
        None, description="Remote embedder: the server's API base URL, e.g. 'http://127.0.0.1:11434/v1'.",
    )
    embedder_model: str | None = Field(None, description="Remote embedder: the model id on that server.")
    embedder_api_key: SecretStr | None = Field(None, description="Remote embedder: bearer key, if any.")
    embedder_threads: int | None = Field(
        None, ge=1, description="CPU threads of the bundled embedder (None: the same as `threads`).",
    )
    chunk_tokens: int = Field(
        256, ge=32, le=512, description="Size of a document chunk, in the embedder's tokens (e5 reads 512 at "
        "most).",
    )
    max_document_bytes: int = Field(
        50 * 1024 * 1024, ge=1024, description="Largest document accepted for a collection (bytes; 413 beyond).",
    )
    max_document_chunks: int = Field(
        20_000, ge=1, description="Most chunks one document may give (a larger one is refused, not cut).",
    )

    @field_validator("api_keys", mode="before")
    @classmethod
    def _split_keys(cls, value: object) -> object:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [key.strip() for key in text.split(",") if key.strip()]
        return value

    @field_validator("home", mode="after")
    @classmethod
    def _expand_home(cls, value: Path) -> Path:
        return value.expanduser()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        home = resolve_home(init_settings().get("home"))
        toml = TomlConfigSettingsSource(settings_cls, toml_file=home / "config.toml")
        return init_settings, env_settings, toml

    @property
    def config_file(self) -> Path:
        return self.home / "config.toml"

    @property
    def models_dir(self) -> Path:
        return self.home / "models"

    @property
    def store_url(self) -> str:
        if self.database_url is not None:  # a secret: it may carry a password
            return self.database_url.get_secret_value()
        return f"sqlite:///{self.home / 'causerie.db'}"

    def is_loopback(self) -> bool:
        if self.host in LOOPBACK_HOSTS:
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:  # a host name other than localhost: not provably loopback
            return False


def load_settings(**overrides: object) -> Settings:
    """Build settings, dropping CLI options the user did not give (None) so lower sources apply."""
    given = {key: value for key, value in overrides.items() if value is not None}
    return Settings(**given)
