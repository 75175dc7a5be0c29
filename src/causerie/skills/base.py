"""The shape of a skill.

A skill has a `name`, a FR/EN `title`, a typed `Input` and `Output` (pydantic), FR/EN prompts, and
`render(data, lang) -> messages`. `postprocess(text, data)` turns the model's text into an `Output`.
Simple skills need nothing more: `Skill.stream` runs one generation. Multi-step skills (translate long
texts, map-reduce summaries, fix-and-verify loops) override `steps`, which yields events as it goes:
text deltas, progress lines, and finally the result; text the skill checks before keeping it reaches
`on_draft` as `Draft` previews. CLI, HTTP and chat all consume the same events.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from causerie.engines.base import Engine, GenerationRequest
from causerie.errors import InvalidRequest
from causerie.i18n import resolve_lang
from causerie.skills.face import SkillFace, View, face_in


class SkillInput(BaseModel):
    model_config = ConfigDict(extra="forbid")


# A field the skill works on: it must hold something besides spaces. The skill says so itself with a message
# of its own (text_tools.require_text); this tells the JSON schema (GET /api/skills, /openapi.json) too.
Text = Annotated[str, Field(json_schema_extra={"minLength": 1, "pattern": r"\S"})]


class SkillOutput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    def view(self, lang: str) -> View:
        """What surfaces show (face.View). The default: the output's `text` and `warnings`; an output with a
        title, code, a diff or a verdict says so in its own `view`."""
        text = getattr(self, "text", "")
        return View(text=text if isinstance(text, str) else "", warnings=list(getattr(self, "warnings", None) or []))


@dataclass
class Delta:
    """Generated text, as it streams."""

    text: str
    type: str = "delta"


@dataclass
class Draft:
    """Text of a generation that the skill checks before it keeps it (a proofread, a part's summary, a
    translated passage), as it comes. Surfaces may show it as a preview; the final text replaces it."""

    text: str
    type: str = "draft"


@dataclass
class Progress:
    """A step of a multi-step skill: `step` of `total`, with a message for people."""

    step: int
    total: int
    message: str
    detail: dict[str, Any] = field(default_factory=dict)
    type: str = "progress"


@dataclass
class Result:
    output: SkillOutput
    type: str = "result"


Event = Delta | Draft | Progress | Result


class SkillCancelled(Exception):
    """The caller cancelled the skill; raised inside its steps so no further step runs."""


class Skill:
    name: ClassVar[str]
    title: ClassVar[dict[str, str]]
    face: ClassVar[SkillFace]  # how every surface shows it: command help, slash words, fields' help and labels
    # The skill's own catalogue entries, {key: {"fr": …, "en": …}}, merged as `skill.<name>.<key>` when the
    # skill is registered: a third-party skill brings its strings with it.
    messages: ClassVar[dict[str, dict[str, str]]] = {}
    Input: ClassVar[type[SkillInput]]
    Output: ClassVar[type[SkillOutput]]
    system: ClassVar[dict[str, str]] = {}  # the system prompt, in French and English
    temperature: ClassVar[float | None] = 0.3
    max_tokens: ClassVar[int | None] = 1024
    # Prose skills set it: a small model otherwise ends a story by repeating one sentence. Never for code,
    # where repeating a token (indentation, `assert`) is normal.
    frequency_penalty: ClassVar[float | None] = None
    seed: int | None = None  # set per instance for reproducible runs (the scorecard)
    needs_sandbox: ClassVar[bool] = False

    def __init__(self, engine: Engine, lang: str | None = None):
        self.engine = engine
        self.lang = resolve_lang(lang)
        # Set by the caller (client gone, Ctrl-C): the current generation stops and no step starts after.
        self.cancel = threading.Event()
        # Set by a surface that previews checked text: gets the `Draft` events that `complete` consumes.
        self.on_draft: Callable[[Draft], None] | None = None

    # --- to implement -------------------------------------------------------------------------
    def render(self, data: SkillInput) -> list[dict[str, str]]:
        raise NotImplementedError

    def postprocess(self, text: str, data: SkillInput) -> SkillOutput:
        return self.Output(text=text.strip())  # type: ignore[call-arg]

    def steps(self, data: SkillInput) -> Iterator[Event]:
        """Default: one streamed generation of `render(data)`, then `postprocess`."""
        text = yield from self.generate(self.render(data))
        yield Result(self.postprocess(text, data))

    # --- shared machinery ---------------------------------------------------------------------
    def system_prompt(self) -> dict[str, str]:
        return {"role": "system", "content": self.system[self.lang]}

    def generate(self, messages: list[dict[str, str]], *, stream: bool = True, **options: Any) -> Iterator[Event]:
        """Run one generation, yielding deltas when `stream`; returns the full text."""
        request = GenerationRequest(messages=messages, temperature=options.pop("temperature", self.temperature),
                                    max_tokens=options.pop("max_tokens", self.max_tokens),
                                    seed=options.pop("seed", self.seed),
                                    frequency_penalty=options.pop("frequency_penalty", self.frequency_penalty),
                                    parent_cancel=self.cancel, **options)
        parts: list[str] = []
        for chunk in self.engine.stream(request):
            if self.cancel.is_set():
                raise SkillCancelled()
            if chunk.text:
                parts.append(chunk.text)
                yield Delta(chunk.text) if stream else Draft(chunk.text)
        return "".join(parts)

    def complete(self, messages: list[dict[str, str]], **options: Any) -> str:
        """One generation whose text is checked before it is shown: its chunks go to `on_draft` only."""
        generator = self.generate(messages, stream=False, **options)
        while True:
            try:
                draft = next(generator)
            except StopIteration as done:
                return done.value
            if self.on_draft is not None:
                self.on_draft(draft)

    def stream(self, data: SkillInput | dict[str, Any]) -> Iterator[Event]:
        yield from self.steps(self.parse(data))

    def run(self, data: SkillInput | dict[str, Any]) -> SkillOutput:
        """The final output, ignoring intermediate events."""
        result = None
        for event in self.stream(data):
            if isinstance(event, Result):
                result = event.output
        assert result is not None, f"skill {self.name} produced no result"
        return result

    def parse(self, data: SkillInput | dict[str, Any]) -> SkillInput:
        if isinstance(data, self.Input):
            return data
        try:
            return self.Input.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            field_path = ".".join(str(part) for part in first["loc"]) or "input"
            raise InvalidRequest("skill.invalid_input", param=field_path, code="invalid_value", skill=self.name,
                                 detail=f"{field_path}: {first['msg']}") from exc

    @classmethod
    def describe(cls, lang: str) -> dict[str, Any]:
        """What `GET /api/skills` shows: name, title, its face in `lang` (what the web chat builds its skill
        bar, options and slash commands from), and the JSON schemas of input and output."""
        return {"name": cls.name, "title": cls.title[lang], "needs_sandbox": cls.needs_sandbox,
                "face": face_in(cls, lang), "input_schema": cls.Input.model_json_schema(),
                "output_schema": cls.Output.model_json_schema()}

    def text(self, key: str, **values: object) -> str:
        """A message of this skill's own catalogue entries (`skill.<name>.<key>`)."""
        from causerie.i18n import t

        return t(f"skill.{self.name}.{key}", self.lang, **values)
