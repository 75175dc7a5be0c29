"""Wire models of POST /v1/embeddings, fields in the order of OpenAI's API reference.

`input`, `encoding_format`, `dimensions` and `input_type` are loose here and checked by the service, so that
a bad value gets a message naming the limit or the accepted values, not a generic validation error; their
schemas say what the service accepts."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from causerie.api.common import ModelFacts, NotBool

MAX_INPUTS = 2048  # texts per request, as OpenAI
ENCODINGS = ("float", "base64")
INPUT_TYPES = ("query", "passage")

INPUT_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {"type": "string", "minLength": 1},
        {"type": "array", "minItems": 1, "maxItems": MAX_INPUTS, "items": {"type": "string", "minLength": 1}},
    ],
    "description": f"A text, or a list of 1 to {MAX_INPUTS} texts. Token ids (OpenAI's integer arrays) are "
    "refused: this server's tokens are not OpenAI's. A text longer than the model's 512 tokens is not cut: "
    "the bundled model averages 510-token windows into one vector.",
}


class EmbeddingRequest(BaseModel):
    model_config = ConfigDict(extra="allow")  # unknown options are ignored, as OpenAI's other servers do

    input: Annotated[str | list[Any], WithJsonSchema(INPUT_SCHEMA)]  # checked by the service
    model: str = Field(max_length=1000, json_schema_extra={"minLength": 1},
                       description="An embedding model of GET /v1/models (task 'embeddings').")
    dimensions: Annotated[int, Field(ge=1, description="Only the model's own size is accepted (384 for "
                                     "multilingual-e5-small): it cannot shorten its vectors."), NotBool] | None = None
    encoding_format: str = Field("float", json_schema_extra={"enum": list(ENCODINGS)},
                                 description="float: a list of numbers; base64: the little-endian float32 bytes.")
    user: str | None = None
    input_type: str = Field(
        "passage", json_schema_extra={"enum": list(INPUT_TYPES)},
        description="causerie's extension (OpenAI has none): 'query' for a question or search terms, 'passage' "
        "(the default) for a text to be searched. e5 models embed the two differently, and a query is best "
        "compared with passages.")


class Embedding(BaseModel):
    object: Literal["embedding"] = "embedding"
    index: int
    embedding: list[float] | str  # base64: a string


class EmbeddingUsage(BaseModel):
    prompt_tokens: int
    total_tokens: int


class EmbeddingList(BaseModel):
    object: Literal["list"] = "list"
    data: list[Embedding]
    model: str
    usage: EmbeddingUsage
    causerie: ModelFacts  # which model made the vectors: license, hash, verified
