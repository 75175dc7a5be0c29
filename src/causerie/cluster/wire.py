"""Requests, chunks and errors as plain data, for the trip between a front end and a replica.

Plain dicts rather than pickled objects: a `threading.Event` (a request's cancel flag) cannot travel, and a
replica on another machine may run another build. Errors keep their class, catalogue key and values, so a
replica's 400 (a context overflow, say) is the same 400 at the front end, in the caller's language."""

from __future__ import annotations

import dataclasses
from typing import Any

from causerie import errors
from causerie.engines.base import Chunk, GenerationRequest, Usage, Waiting

# Everything a request carries but its cancel flags, which stay at the front end (a cancel travels as
# Ray Serve's own request cancellation).
REQUEST_FIELDS = tuple(f.name for f in dataclasses.fields(GenerationRequest) if f.name not in ("cancel",
                                                                                                "parent_cancel"))


def request_to_wire(request: GenerationRequest) -> dict[str, Any]:
    return {name: getattr(request, name) for name in REQUEST_FIELDS}


def request_from_wire(data: dict[str, Any]) -> GenerationRequest:
    return GenerationRequest(**{name: data[name] for name in REQUEST_FIELDS if name in data})


def chunk_to_wire(chunk: Chunk) -> dict[str, Any]:
    data: dict[str, Any] = {"text": chunk.text, "index": chunk.index, "finish_reason": chunk.finish_reason}
    if chunk.usage is not None:
        data["usage"] = dataclasses.asdict(chunk.usage)
    if chunk.timings is not None:
        data["timings"] = chunk.timings
    if chunk.waiting is not None:
        data["waiting"] = dataclasses.asdict(chunk.waiting)
    return data


def chunk_from_wire(data: dict[str, Any]) -> Chunk:
    usage = Usage(**data["usage"]) if data.get("usage") else None
    waiting = Waiting(**data["waiting"]) if data.get("waiting") else None
    return Chunk(text=data.get("text", ""), index=data.get("index", 0), finish_reason=data.get("finish_reason"),
                 usage=usage, timings=data.get("timings"), waiting=waiting)


def error_to_wire(error: errors.CauserieError) -> dict[str, Any]:
    return {"error": {"class": type(error).__name__, "key": error.key, "values": _plain(error.values),
                      "param": error.param, "code": error.code}}


def error_from_wire(data: dict[str, Any]) -> errors.CauserieError:
    """The same error class, key and values; built without the subclass's own __init__ (ContextOverflow
    and others take other arguments), since everything they compute is already in the values."""
    cls = getattr(errors, data.get("class", ""), None)
    if not (isinstance(cls, type) and issubclass(cls, errors.CauserieError)):
        cls = errors.EngineFailure
    error = cls.__new__(cls)
    errors.CauserieError.__init__(error, data["key"], param=data.get("param"), code=data.get("code"),
                                  **data.get("values", {}))
    if "retry_after" in error.values:  # ServerBusy, RateLimited: the header their __init__ would have set
        error.headers = {"Retry-After": str(error.values["retry_after"])}
    return error


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value if isinstance(value, str | int | float | bool | type(None)) else str(value)
            for key, value in values.items()}
