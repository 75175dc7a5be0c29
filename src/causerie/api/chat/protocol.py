"""Wire models of POST /v1/chat/completions, fields in the order of OpenAI's API reference."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from causerie.api.common import (
    ModelFacts,
    ModelName,
    NotBool,
    ResponseFormat,
    Seed,
    StopField,
    StreamOptions,
    TokenCount,
    TopK,
    UsageInfo,
    stop_list,
)
from causerie.api.documents.protocol import CollectionName, SourceOut
from causerie.engines.base import GenerationRequest


class TextPart(BaseModel):
    type: Literal["text"]
    text: str


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[TextPart] | None = None
    name: str | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return "".join(part.text for part in self.content)
        return self.content or ""

    def for_engine(self) -> dict[str, Any]:
        # Chat templates know system/user/assistant; 'developer' is OpenAI's new name for 'system'.
        role = "system" if self.role == "developer" else self.role
        return {"role": role, "content": self.text()}


class ChatCompletionRequest(BaseModel):
    model_config = ConfigDict(extra="allow")  # unknown OpenAI options are accepted and ignored

    messages: list[ChatMessage] = Field(min_length=1)
    model: ModelName = None
    frequency_penalty: float | None = Field(None, ge=-2, le=2)
    # Accepted as OpenAI clients send them; what this server does not support yet is said in the document
    # (and refused by check_capabilities with a message that names the field).
    logprobs: bool | None = Field(None, json_schema_extra={"enum": [False, None]})
    max_completion_tokens: TokenCount | None = None
    max_tokens: TokenCount | None = Field(None, description="Deprecated by OpenAI; honoured like "
                                          "max_completion_tokens.")
    n: Annotated[int, Field(ge=1, le=16), NotBool] = 1
    presence_penalty: float | None = Field(None, ge=-2, le=2)
    response_format: ResponseFormat | None = None
    seed: Seed | None = None
    stop: StopField = None
    stream: bool = False
    stream_options: StreamOptions | None = None
    temperature: float | None = Field(None, ge=0, le=2)
    tools: list[dict[str, Any]] | None = Field(None, json_schema_extra={"maxItems": 0})
    top_p: float | None = Field(None, ge=0, le=1)
    top_k: TopK | None = None  # vLLM's and llama.cpp's extension
    min_p: float | None = Field(None, ge=0, le=1, description="vLLM's and llama.cpp's extension.")
    user: str | None = None
    collections: list[CollectionName] | None = Field(
        None, min_length=1, max_length=8, description="causerie's extension: ground the answer on these "
        "collections of the caller (see /v1/collections). The answer cites numbered sources ([1], [2]), "
        "returned in `sources`; when no passage is relevant it says the documents do not hold the answer.")

    def to_generation_request(self, default_max_tokens: int) -> GenerationRequest:
        """The engine's request, as vLLM's `to_sampling_params`: the one place these fields meet the engine."""
        return GenerationRequest(
            messages=[message.for_engine() for message in self.messages],
            max_tokens=self.max_completion_tokens or self.max_tokens or default_max_tokens,
            temperature=self.temperature, top_p=self.top_p, top_k=self.top_k, min_p=self.min_p,
            frequency_penalty=self.frequency_penalty, presence_penalty=self.presence_penalty,
            stop=stop_list(self.stop), seed=self.seed, n=self.n,
            response_format=self.response_format.for_engine() if self.response_format else None,
        )


class AssistantMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class Choice(BaseModel):
    index: int
    message: AssistantMessage
    logprobs: None = None
    finish_reason: str | None


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[Choice]
    usage: UsageInfo
    system_fingerprint: str
    causerie: ModelFacts
    sources: list[SourceOut] | None = Field(None, description="A grounded answer's sources (`collections`).")


class Delta(BaseModel):
    role: Literal["assistant"] | None = None
    content: str | None = None


class ChunkChoice(BaseModel):
    index: int
    delta: Delta
    logprobs: None = None
    finish_reason: str | None = None


class ChatCompletionChunk(BaseModel):
    id: str
    object: Literal["chat.completion.chunk"] = "chat.completion.chunk"
    created: int
    model: str
    system_fingerprint: str
    choices: list[ChunkChoice]
    usage: UsageInfo | None = None
    causerie: ModelFacts | None = None
    sources: list[SourceOut] | None = Field(None, description="On the first chunk of a grounded answer (none "
                                            "cited yet), and again after the last with `cited` set.")
