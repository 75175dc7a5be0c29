"""Wire pieces shared by the endpoint families: usage, stop, response_format, the model facts."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from causerie.engines.base import Usage
from causerie.models.card import ModelCard

StopField = Annotated[str | list[str] | None, Field(None)]


class JsonSchemaFormat(BaseModel):
    name: str | None = None
    schema_: dict[str, Any] | None = Field(None, alias="schema")
    strict: bool | None = None


class ResponseFormat(BaseModel):
    type: Literal["text", "json_object", "json_schema"]
    json_schema: JsonSchemaFormat | None = None

    def for_engine(self) -> dict[str, Any] | None:
        if self.type == "text":
            return None
        if self.type == "json_object":
            return {"type": "json_object"}
        schema = (self.json_schema.schema_ if self.json_schema else None) or {"type": "object"}
        return {"type": "json_schema", "json_schema": {"schema": schema}}


class StreamOptions(BaseModel):
    include_usage: bool = False


class PromptTokensDetails(BaseModel):
    cached_tokens: int = 0


class UsageInfo(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int
    prompt_tokens_details: PromptTokensDetails

    @classmethod
    def of(cls, usage: Usage) -> UsageInfo:
        return cls(prompt_tokens=usage.prompt_tokens, completion_tokens=usage.completion_tokens,
                   total_tokens=usage.total_tokens,
                   prompt_tokens_details=PromptTokensDetails(cached_tokens=usage.cached_tokens))


class ModelFacts(BaseModel):
    """causerie's extension on every answer: which model produced it, and that it is AI-generated."""

    ai_generated: bool = True
    model: str
    license: str
    quantization: str
    sha256: str | None
    verified: bool
    engine: str

    @classmethod
    def of(cls, card: ModelCard) -> ModelFacts:
        return cls(model=card.name, license=card.license, quantization=card.quantization, sha256=card.sha256,
                   verified=card.verified, engine=card.engine)


def stop_list(stop: str | list[str] | None) -> list[str]:
    if stop is None:
        return []
    return [stop] if isinstance(stop, str) else list(stop)
