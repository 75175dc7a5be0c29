"""Running skills for HTTP clients: validation, a worker thread per run, events as they come."""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import asdict
from typing import Any

from causerie.api.common import ModelFacts
from causerie.api.generation import SSE_DONE, sse
from causerie.api.skills.protocol import RESERVED_FIELDS, SkillList, SkillResponse
from causerie.engines.pool import EnginePool
from causerie.errors import CauserieError, InvalidRequest, TimedOut
from causerie.skills.base import Event, Result, Skill
from causerie.skills.registry import skill_class, skill_classes

_END = object()


def event_payload(event: Event, lang: str) -> dict[str, Any]:
    if isinstance(event, Result):
        return {"type": "result", "output": event.output.model_dump(mode="json"),
                "view": event.output.view(lang).model_dump(mode="json")}
    return asdict(event)


async def events_in_thread(skill: Skill, data: Any, drafts: bool = False) -> AsyncIterator[Event]:
    """Iterate the skill's blocking event stream in a worker thread; cancel it if we stop listening.
    With `drafts`, the text of checked generations comes too, as `draft` events, so a client sees the
    work advance before the skill has kept it."""
    loop = asyncio.get_running_loop()
    inbox: asyncio.Queue = asyncio.Queue()
    if drafts:
        skill.on_draft = lambda draft: loop.call_soon_threadsafe(inbox.put_nowait, draft)

    def pump() -> None:
        try:
            for event in skill.stream(data):
                loop.call_soon_threadsafe(inbox.put_nowait, event)
        except BaseException as error:  # noqa: BLE001 - re-raised on the loop side
            loop.call_soon_threadsafe(inbox.put_nowait, error)
        finally:
            loop.call_soon_threadsafe(inbox.put_nowait, _END)

    threading.Thread(target=pump, name=f"causerie-skill-{skill.name}", daemon=True).start()
    try:
        while (item := await inbox.get()) is not _END:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        skill.cancel.set()


class SkillService:
    def __init__(self, pool: EnginePool, time_limit: float):
        self.pool = pool
        self.time_limit = time_limit  # a run past it is stopped with a clear error, never left hanging

    def list(self, lang: str) -> SkillList:
        return SkillList(data=[cls.describe(lang) for cls in skill_classes().values()])

    def prepare(self, name: str, body: Any, lang: str) -> tuple[Skill, Any, bool]:
        """The skill, its validated input and whether to stream; errors before anything runs."""
        cls = skill_class(name)
        if not isinstance(body, dict):
            raise InvalidRequest("skill.invalid_input", param="body", skill=name, detail="a JSON object is required")
        fields = {key: value for key, value in body.items() if key not in RESERVED_FIELDS}
        for key, kind, name in (("model", str, "a string"), ("stream", bool, "true or false")):
            if body.get(key) is not None and not isinstance(body[key], kind):
                raise InvalidRequest("api.invalid_field", param=key, code="invalid_value", field=key,
                                     detail=name)
        engine = self.pool.get(body.get("model"))
        skill = cls(engine, lang)
        return skill, skill.parse(fields), bool(body.get("stream", False))

    async def run(self, skill: Skill, data: Any) -> SkillResponse:
        output = None
        async with self._deadline(skill):
            async for event in events_in_thread(skill, data):
                if isinstance(event, Result):
                    output = event.output
        assert output is not None
        return SkillResponse(skill=skill.name, model=skill.engine.name, output=output.model_dump(mode="json"),
                             view=output.view(skill.lang), causerie=ModelFacts.of(skill.engine.card))

    async def stream(self, skill: Skill, data: Any, on_error: Callable[[Exception], bytes]) -> AsyncIterator[bytes]:
        facts = ModelFacts.of(skill.engine.card).model_dump(mode="json")
        yield sse(json.dumps({"type": "start", "skill": skill.name, "model": skill.engine.name, "causerie": facts}))
        try:
            async with self._deadline(skill):
                async for event in events_in_thread(skill, data, drafts=True):
                    yield sse(json.dumps(event_payload(event, skill.lang), ensure_ascii=False))
        except CauserieError as error:
            yield on_error(error)
        yield SSE_DONE

    @contextlib.asynccontextmanager
    async def _deadline(self, skill: Skill) -> AsyncIterator[None]:
        """Stop the skill after `time_limit` seconds: its engine request and sandbox runs see the cancel."""
        try:
            async with asyncio.timeout(self.time_limit):
                yield
        except TimeoutError:
            skill.cancel.set()
            raise TimedOut("api.skill_timeout", skill=skill.name, limit=f"{self.time_limit:g}") from None


