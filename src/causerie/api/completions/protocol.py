"""Wire models of POST /v1/completions (legacy text completion), in OpenAI's reference order."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from causerie.api.common import (
    ModelFacts,
    ModelName,
    NotBool,
    Seed,
    StopField,
    StreamOptions,
    TokenCount,
    TopK,
    UsageInfo,
    stop_list,
)
from causerie.engines.base import GenerationRequest


class CompletionRequest(BaseModel):
    model_config = ConfigDict(extra="allow")

    model: ModelName = None
    # One text per request; a list must hold exactly one (the service says so with its own message).
    prompt: str | list[str] = Field(json_schema_extra={"minItems": 1, "maxItems": 1, "minLength": 1,
                                                       "items": {"type": "string", "minLength": 1}})
    echo: bool = False
    frequency_penalty: float | None = Field(None, ge=-2, le=2)
    # Not supported: refused when > 0 (with a message that names the field).
    logprobs: Annotated[int, Field(ge=0, le=0), NotBool] | None = None
    max_tokens: TokenCount | None = 16
    n: Annotated[int, Field(ge=1, le=16), NotBool] = 1
    presence_penalty: float | None = Field(None, ge=-2, le=2)
    seed: Seed | None = None
    stop: StopField = None
    stream: bool = False
    stream_options: StreamOptions | None = None
    suffix: str | None = Field(None, json_schema_extra={"maxLength": 0})  # fill-in-the-middle: not supported
    temperature: float | None = Field(None, ge=0, le=2)
    top_p: float | None = Field(None, ge=0, le=1)
    top_k: TopK | None = None  # vLLM's and llama.cpp's extension
    min_p: float | None = Field(None, ge=0, le=1, description="vLLM's and llama.cpp's extension.")
    user: str | None = None

    def to_generation_request(self, prompt: str) -> GenerationRequest:
        """The engine's request for `prompt` (the one prompt the list may hold)."""
        return GenerationRequest(
            prompt=prompt, max_tokens=self.max_tokens, temperature=self.temperature, top_p=self.top_p,
            top_k=self.top_k, min_p=self.min_p, frequency_penalty=self.frequency_penalty,
            presence_penalty=self.presence_penalty, stop=stop_list(self.stop), seed=self.seed, n=self.n,
        )


class CompletionChoice(BaseModel):
    text: str
    index: int
    logprobs: None = None
    finish_reason: str | None


class Completion(BaseModel):
    id: str
    object: Literal["text_completion"] = "text_completion"
    created: int
    model: str
    system_fingerprint: str
    choices: list[CompletionChoice]
    usage: UsageInfo | None = None
    causerie: ModelFacts | None = None
