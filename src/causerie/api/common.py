"""Wire pieces shared by the endpoint families: usage, stop, response_format, the model facts."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, Field

from causerie.engines.base import Usage
from causerie.errors import InvalidRequest
from causerie.models.card import ModelCard

# Bounds every wire model shares, named once: the engine keeps these numbers in 32 bits, and a value past
# them used to overflow inside it ("got -727379968"); now it is a 400 naming the field and the limit.
MAX_TOKENS_LIMIT = 1_048_576  # more than any model's context: a request is never cut by this
MAX_STOPS = 16


def not_a_boolean(value: Any) -> Any:
    """JSON's true is not the integer 1 (pydantic takes it as 1, against the document); 16.0 is an integer."""
    if isinstance(value, bool):
        raise ValueError("a boolean is not a number")
    return value


NotBool = BeforeValidator(not_a_boolean)
NOT_BLANK = r"\S"  # a name that must hold something besides spaces; api/errors.py says so in words
TokenCount = Annotated[int, Field(ge=1, le=MAX_TOKENS_LIMIT), NotBool]  # NotBool last: the bounds stay in the schema
# ±2**53: the integers any JSON parser (JavaScript's too) keeps exact; the local engine folds a seed to 32 bits.
Seed = Annotated[int, Field(ge=-(2**53), le=2**53, description="An integer within ±2**53; the same seed and "
                            "request give the same answer."), NotBool]
TopK = Annotated[int, Field(ge=-1, le=MAX_TOKENS_LIMIT, description="Sample among the k likeliest tokens "
                            "(0 or -1: off), as vLLM and llama.cpp take it."), NotBool]
# These rules are enforced by `stop_list` and the engine pool, with messages of their own; declared here too so
# that the OpenAPI document says what the server accepts.
StopField = Annotated[str | list[str] | None, Field(None, description=f"Up to {MAX_STOPS} non-empty sequences.",
                                                    json_schema_extra={"minLength": 1, "maxItems": MAX_STOPS,
                                                                       "items": {"type": "string", "minLength": 1}})]
ModelName = Annotated[str | None, Field(None, max_length=1000, json_schema_extra={"minLength": 1},
                                        description="A model of GET /v1/models; absent: the default model.")]


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
    """The stop sequences as a list: an empty one would end every answer before it starts (a silent empty
    reply), so it is refused, as are more than `MAX_STOPS`."""
    if stop is None:
        return []
    stops = [stop] if isinstance(stop, str) else list(stop)
    if any(not sequence for sequence in stops):
        raise InvalidRequest("api.empty_stop", param="stop", code="invalid_value")
    if len(stops) > MAX_STOPS:
        raise InvalidRequest("api.too_many_stops", param="stop", code="invalid_value", count=len(stops),
                             limit=MAX_STOPS)
    return stops
