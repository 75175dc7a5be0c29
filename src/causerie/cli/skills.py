"""One command per registered skill (`causerie draft|improve|…`, and any third-party skill), built from the
skill's `Input` model and its face (skills/face.py): the text field is the argument (or `--file`, or stdin),
every other field an option with the face's flags and help in the session's language, a `Literal` a list of
choices, defaults shown. The command hands over to `skill_runner.run_skill` (streamed text, progress, the
result's view, `--json`)."""

from __future__ import annotations

import inspect
import types
import typing
from pathlib import Path
from typing import Any, Literal

import typer
from pydantic.fields import FieldInfo

from causerie.cli.common import fail, state
from causerie.cli.skill_runner import read_text, run_skill
from causerie.i18n import t
from causerie.skills.base import Skill
from causerie.skills.face import FieldFace, SkillFace, choices_of, in_lang
from causerie.skills.registry import skill_classes

# Names the generated command uses itself; a skill field of the same name would clash.
OWN = {"ctx", "file", "model", "as_json", "read_aloud"}


def register(app: typer.Typer, lang: str) -> None:
    for name, skill in skill_classes().items():
        app.command(name=name, help=in_lang(skill.face.help, lang))(command_for(skill, lang))


def command_for(skill: type[Skill], lang: str) -> Any:
    face = skill.face
    fields = skill.Input.model_fields
    options = [name for name in fields if name != face.text_field and name not in OWN]

    def command(ctx: typer.Context, **values: Any) -> None:
        file = values.pop("file")
        data = {face.text_field: skill_text(ctx, values.pop(face.text_field), file, fields[face.text_field])}
        for name in options:
            data[name] = option_value(face.fields.get(name), values.pop(name))
        for name, field_face in face.fields.items():  # a file's suffix may say how to read it (.html, .md)
            if field_face.from_suffix and file is not None and data.get(name) == fields[name].default:
                data[name] = field_face.from_suffix.get(file.suffix.lower(), data[name])
        output = run_skill(ctx, skill.name, prune(data, fields), model=values["model"], as_json=values["as_json"])
        if values.get("read_aloud") and output is not None:
            read_result_aloud(ctx, output)

    parameters = [inspect.Parameter("ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context),
                  keyword(face.text_field, str | None,
                          typer.Argument(None, help=text_help(face, lang), metavar=face.text_field.upper(),
                                         show_default=False)),
                  keyword("file", Path | None, typer.Option(None, "--file", "-f", help=t("cli.opt.skill_file", lang),
                                                            exists=True, dir_okay=False))]
    parameters += [option_parameter(name, fields[name], face.fields.get(name), lang) for name in options]
    parameters += [keyword("model", str | None, typer.Option(None, "--model", "-m", help=t("cli.opt.model", lang))),
                   keyword("as_json", bool, typer.Option(False, "--json", help=t("cli.opt.skill_json", lang)))]
    if face.read_aloud:
        parameters.append(keyword("read_aloud", bool, typer.Option(False, "--read-aloud",
                                                                   help=t("cli.opt.read_aloud", lang))))
    command.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    command.__annotations__ = {p.name: p.annotation for p in parameters}
    command.__name__ = skill.name
    return command


def text_help(face: SkillFace, lang: str) -> str:
    own = face.fields.get(face.text_field)
    return in_lang(own.help, lang) if own else t("cli.opt.text_arg", lang)


def keyword(name: str, annotation: Any, default: Any) -> inspect.Parameter:
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default)


def option_parameter(name: str, info: FieldInfo, face: FieldFace | None, lang: str) -> inspect.Parameter:
    """A field as an option: its flags, its help in `lang`, its default (or the face's suggestion) shown."""
    flags = (face.flags if face and face.flags else ()) or ("--" + name.replace("_", "-"),)
    default = info.get_default(call_default_factory=True) if not info.is_required() else None
    if face is not None and face.suggested is not None and default is None:
        default = face.suggested
    help_text = in_lang(face.help, lang) if face else (info.description or "")
    annotation = cli_type(info.annotation, face)
    option = typer.Option(default if default != [] else None, *flags, help=help_text,
                          show_default=default not in (None, [], False))
    return keyword(name, annotation, option)


def cli_type(annotation: Any, face: FieldFace | None) -> Any:
    """The option's type for typer: choices stay a Literal, a file is a Path, a list repeats the option."""
    if face is not None and face.file:
        return Path | None
    if choices := choices_of(annotation):
        return Literal.__getitem__(tuple(choice for choice in choices if choice is not None))
    union = typing.get_origin(annotation) in (typing.Union, types.UnionType)
    inner = [arg for arg in typing.get_args(annotation) if arg is not type(None)] if union else [annotation]
    base = inner[0] if len(inner) == 1 else str
    if typing.get_origin(base) is list:
        return list[str] | None
    return base if base in (str, int, float, bool) else str


def skill_text(ctx: typer.Context, text: str | None, file: Path | None, info: FieldInfo) -> str | None:
    """The argument, else the file, else stdin; a skill whose text is optional (a story's theme) reads no stdin."""
    if text is None and file is None and not info.is_required():
        return None
    return read_text(text, file, state(ctx).language())


def option_value(face: FieldFace | None, value: Any) -> Any:
    if face is not None and face.file and value is not None:
        return Path(value).read_text(encoding="utf-8", errors="replace")
    return value


def prune(data: dict[str, Any], fields: dict[str, FieldInfo]) -> dict[str, Any]:
    """Options left unset are left out, so the skill's own defaults apply (a list option unset is [])."""
    return {name: value for name, value in data.items() if value is not None or fields[name].is_required()}


def read_result_aloud(ctx: typer.Context, output: Any) -> None:
    from causerie.cli.speak import read_aloud
    from causerie.errors import CauserieError

    st = state(ctx)
    settings = st.settings()
    view = output.view(st.language(settings))
    try:
        read_aloud(settings, view.title or "", view.text, getattr(output, "lang", None) or st.language(settings),
                   Path.cwd())
    except CauserieError as error:
        fail(error, st.language(settings))
