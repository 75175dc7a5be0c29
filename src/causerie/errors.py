"""Errors that reach a user. Each carries a catalogue key, values for the message, and the HTTP
status, OpenAI `type`, `code` and `param` it maps to; the CLI prints it, the API renders it."""

from __future__ import annotations

from causerie.i18n import t


class CauserieError(Exception):
    status = 500
    type = "server_error"
    code: str | None = None
    interrupts_answer = False  # True: a stored answer cut by this error is `interrupted`, as by a crash

    def __init__(self, key: str, *, param: str | None = None, code: str | None = None, **values: object):
        self.key = key
        self.values = values
        self.param = param
        if code:
            self.code = code
        super().__init__(self.message("en"))

    def message(self, lang: str | None = None) -> str:
        return t(self.key, lang, **self.values)

    def to_openai(self, lang: str | None = None) -> dict:
        return {"error": {"message": self.message(lang), "type": self.type, "param": self.param, "code": self.code}}


class InvalidRequest(CauserieError):
    status = 400
    type = "invalid_request_error"


class ContextOverflow(InvalidRequest):
    code = "context_length_exceeded"

    def __init__(self, requested: int, limit: int):
        super().__init__("api.context_overflow", param="messages", requested=requested, limit=limit)


class AuthError(CauserieError):
    status = 401
    type = "invalid_request_error"
    code = "invalid_api_key"


class NotFound(CauserieError):
    status = 404
    type = "invalid_request_error"


class UnknownModel(NotFound):
    code = "model_not_found"

    def __init__(self, name: str, available: list[str]):
        super().__init__(self.key_for_unknown, param="model", name=name, available=", ".join(available) or "-")
        self.available = available

    key_for_unknown = "model.unknown"


class UnknownChatModel(UnknownModel):
    """A chat model that is neither in the catalogue nor a path: the message says how to get one."""

    key_for_unknown = "model.unknown_chat"


class PayloadTooLarge(CauserieError):
    status = 413
    type = "invalid_request_error"
    code = "request_too_large"


class ModelError(CauserieError):
    """A model cannot be used: not installed, refused by verification, or failed to load."""

    status = 503
    type = "server_error"
    code = "model_unavailable"


class IntegrityError(ModelError):
    code = "integrity_check_failed"


class EngineFailure(CauserieError):
    status = 500
    type = "server_error"
    code = "engine_error"


class UpstreamError(CauserieError):
    """A remote engine's server answered an error or could not be reached."""

    status = 502
    type = "server_error"
    code = "upstream_error"

    def __init__(self, key: str, *, status: int | None = None, **values: object):
        super().__init__(key, status=status, **values)
        if status is not None and 400 <= status < 500:
            # The client's request was at fault: pass the remote's 4xx through.
            self.status = status
            self.type = "invalid_request_error"


class Forbidden(CauserieError):
    """Authenticated, but the key lacks the scope this route needs."""

    status = 403
    type = "invalid_request_error"
    code = "insufficient_scope"


class Conflict(CauserieError):
    status = 409
    type = "invalid_request_error"
    code = "conflict"


class RateLimited(CauserieError):
    """429 with Retry-After: the per-key request rate or token quota is spent for now."""

    status = 429
    type = "rate_limit_error"

    def __init__(self, key: str, *, retry_after: int, code: str = "rate_limit_exceeded", **values: object):
        super().__init__(key, code=code, retry_after=retry_after, **values)
        self.headers = {"Retry-After": str(retry_after)}


class ServiceUnavailable(CauserieError):
    """A dependency (the conversation store) cannot be reached; stateless routes keep working."""

    status = 503
    type = "server_error"
    code = "service_unavailable"
    headers = {"Retry-After": "5"}


class ClusterError(CauserieError):
    """Scale-out on Ray cannot start or serve: no cluster at the address, too few CPUs, a replica gone."""

    status = 503
    type = "server_error"
    code = "cluster_unavailable"


class ReplicaLost(ClusterError):
    """The replica generating an answer died: for that answer, the same as a crash of a single server, so
    a stored answer is marked `interrupted` (not `error`), with the text it had."""

    interrupts_answer = True

    def __init__(self, detail: str):
        super().__init__("cluster.replica_lost", detail=detail)


class ServerBusy(CauserieError):
    """503 with Retry-After: the engine's slots are taken and its queue is full, or the wait was too long."""

    status = 503
    type = "server_error"
    code = "server_busy"

    def __init__(self, key: str, *, retry_after: int, **values: object):
        super().__init__(key, retry_after=retry_after, **values)
        self.headers = {"Retry-After": str(retry_after)}


class TimedOut(CauserieError):
    """A piece of work ran past its time limit and was stopped."""

    status = 504
    type = "server_error"
    code = "timeout"


class VoiceError(CauserieError):
    """Speech synthesis cannot run: the backend's library is missing or failed."""

    status = 503
    type = "server_error"
    code = "voice_unavailable"
