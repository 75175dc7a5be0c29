"""`causerie chat`: an interactive multi-turn REPL. History lasts for the whole session; Ctrl-C stops
the answer being written (kept, marked interrupted), Ctrl-D or /quit leaves."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field

import typer
from rich.console import Console
from rich.markup import escape

from causerie.cli.ask import default_system
from causerie.cli.common import (
    ai_notice,
    answer_cap,
    err_console,
    fail,
    load_engine,
    localized,
    session,
    stop_notice,
    stream_text,
)
from causerie.cli.meter import Meter, MeteredEngine
from causerie.cli.skill_runner import main_text, show_events, show_output
from causerie.conversations.stored import StoredChat
from causerie.engines.base import Engine, GenerationRequest
from causerie.errors import CauserieError
from causerie.i18n import t
from causerie.settings import Settings
from causerie.skills.commands import SkillCommand, parse_command
from causerie.skills.registry import skill_class
from causerie.store.models import COMPLETE, ERROR, INTERRUPTED

console = Console(highlight=False)
QUIT = {"/quit", "/quitter", "/exit", "/q"}
HELP = {"/help", "/aide", "/?"}
RESET = {"/reset", "/effacer", "/new", "/nouveau"}


@dataclass
class ChatSession:
    engine: Engine
    settings: Settings
    lang: str
    system: str | None = None
    temperature: float | None = None
    history: list[dict] = field(default_factory=list)  # what this session showed: the last answer, for /skills
    stored: StoredChat | None = None  # the conversation in the store (None: --no-save, or no store)

    def messages(self, question: str) -> list[dict]:
        """The prompt: the stored conversation trimmed to the model's budget, as the server builds it."""
        if self.stored is not None:
            return self.stored.prompt(self.engine, self.system, question)
        prefix = [{"role": "system", "content": self.system}] if self.system else []
        return prefix + self.history + [{"role": "user", "content": question}]

    def reply(self, text: str) -> None:
        request = GenerationRequest(messages=self.messages(text), temperature=self.temperature,
                                    max_tokens=answer_cap(self.settings, None))
        answer = self.stored.begin(text, self.engine) if self.stored is not None else None
        self.history.append({"role": "user", "content": text})
        finish, status, error = None, COMPLETE, None
        if not sys.stdin.isatty():  # piped input echoes no newline: the answer must not continue its line
            console.print()
        console.print(f"[bold green]{escape(t('cli.chat.assistant', self.lang))} ›[/] ", end="")
        parts: list[str] = []
        try:
            for chunk in stream_text(self.engine, request):
                parts.append(chunk.text)
                finish = chunk.finish_reason or finish
                if answer is not None:
                    answer.add(chunk.text)
                    if (due := answer.due()) is not None:
                        answer.flush(due)
        except KeyboardInterrupt:
            status = INTERRUPTED
            console.print(f" [dim]{escape(t('cli.interrupted', self.lang))}[/]")
        except CauserieError as failure:
            status, error = ERROR, failure.message("en")
        finally:
            if answer is not None:  # kept as far as it went, marked as it ended
                answer.finish(status, error=error)
        if status == ERROR:
            self.history.pop()
            err_console.print(f"[red]{t('cli.error', self.lang, message=error)}[/]")
            return
        if self.stored is not None and status == COMPLETE:
            self.stored.titled(text)
        console.print()
        notice = stop_notice(finish, request.max_tokens, self.lang)
        if notice:
            console.print(notice, style="yellow", markup=False, highlight=False)
        if not self.history[:-1]:  # after the first answer, once: what wrote it, and that it is AI-generated
            console.print(f"[dim]{escape(ai_notice(self.engine, self.lang))}[/]")
        self.history.append({"role": "assistant", "content": "".join(parts)})

    def command(self, line: str) -> bool:
        """Run a /command; False means leave the REPL."""
        name, _, argument = line.partition(" ")
        argument = argument.strip()
        if name in QUIT:
            return False
        if name in HELP:
            console.print(t("cli.chat.help", self.lang))
        elif name in RESET:
            self.history.clear()
            if self.stored is not None:  # a new conversation; the previous one stays in the history
                self.stored = StoredChat.new(self.stored.store, model=self.engine.name, system=self.system,
                                             flush_ms=self.settings.store_flush_ms)
            console.print(t("cli.chat.reset", self.lang))
        elif name == "/system":
            self.system = argument or None
            console.print(t("cli.chat.system_set" if argument else "cli.chat.system_cleared", self.lang))
        elif name == "/model" and argument:
            self.switch_model(argument)
        elif command := parse_command(line, self.last_answer(), self.lang):
            self.run_skill(command)
        else:
            console.print(t("cli.chat.unknown_command", self.lang, command=name))
        return True

    def last_answer(self) -> str | None:
        return next((m["content"] for m in reversed(self.history) if m["role"] == "assistant"), None)

    def run_skill(self, command: SkillCommand) -> None:
        """Run a skill on the conversation's engine; its result joins the history as an answer."""
        meter = Meter(err_console, self.lang)
        skill = skill_class(command.skill)(MeteredEngine(self.engine, meter), self.lang)
        try:
            output, streamed = show_events(skill, command.data, meter)
        except KeyboardInterrupt:
            skill.cancel.set()
            console.print(f" [dim]{escape(t('cli.interrupted', self.lang))}[/]")
            return
        except CauserieError as error:
            err_console.print(f"[red]{escape(t('cli.error', self.lang, message=error.message(self.lang)))}[/]")
            return
        finally:
            meter.hide()
        show_output(output, streamed, self.lang)
        self.history += [{"role": "user", "content": f"/{command.skill}"},
                         {"role": "assistant", "content": main_text(output, self.lang)}]

    def switch_model(self, name: str) -> None:
        try:
            engine = load_engine(self.settings, name, self.lang)
        except typer.Exit:  # load_engine already printed why
            return
        self.engine.close()
        self.engine = engine
        console.print(t("cli.chat.model_set", self.lang, name=engine.name))


@contextlib.contextmanager
def typed_ahead_kept() -> Iterator[TypedAhead]:
    """While the model loads, the terminal does not echo keys onto the spinner line. What was typed is
    kept: lines ended by Enter are sent in order once the model is ready, and an unfinished one is put
    back at the first prompt (readline's startup hook), ready to edit or send."""
    typed = TypedAhead()
    if not sys.stdin.isatty():
        yield typed
        return
    import termios

    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)
    quiet = termios.tcgetattr(fd)
    quiet[3] &= ~(termios.ECHO | termios.ICANON)
    termios.tcsetattr(fd, termios.TCSANOW, quiet)
    try:
        yield typed
    finally:
        text = read_pending(fd)
        termios.tcsetattr(fd, termios.TCSANOW, saved)
        typed.lines, typed.partial = split_typed(text)
        if typed.partial:
            prefill_next_prompt(typed.partial)


def split_typed(text: str) -> tuple[list[str], str]:
    """Keys typed ahead -> (lines sent with Enter, the unfinished rest)."""
    *lines, partial = text.split("\n")
    return [line for line in lines if line.strip()], partial


def read_pending(fd: int) -> str:
    import select

    chunks = []
    while select.select([fd], [], [], 0)[0]:
        data = os.read(fd, 1024)
        if not data:
            break
        chunks.append(data)
    return b"".join(chunks).decode("utf-8", errors="ignore").replace("\r\n", "\n").replace("\r", "\n")


def prefill_next_prompt(text: str) -> None:
    try:
        import readline
    except ImportError:  # no readline: the text is lost, as before, but not echoed over the spinner
        return

    def insert_once() -> None:
        readline.insert_text(text)
        readline.set_startup_hook(None)

    readline.set_startup_hook(insert_once)


@dataclass
class TypedAhead:
    lines: list[str] = field(default_factory=list)  # sent with Enter while the model loaded
    partial: str = ""  # typed, not yet sent: it waits at the first prompt


def next_line(session: ChatSession, queued: list[str]) -> str:
    """The next line: one typed ahead (shown after its prompt, since the terminal did not echo it), else
    one read at the prompt."""
    prompt = f"[bold cyan]{t('cli.chat.you', session.lang)} ›[/] "
    if queued:
        line = queued.pop(0)
        console.print(prompt + escape(line))
        return line.strip()
    return console.input(prompt).strip()


def repl(session: ChatSession, queued: list[str] | None = None, *, resumed: bool = False) -> None:
    console.print(f"[bold]{t('cli.chat.welcome', session.lang, model=session.engine.name)}[/]")
    if resumed:
        replay(session)
    queued = list(queued or [])
    while True:
        try:
            line = next_line(session, queued)
        except EOFError:
            break
        except KeyboardInterrupt:
            console.print()
            continue
        if not line:
            continue
        if line.startswith("/") and not session.command(line):
            break
        if not line.startswith("/"):
            session.reply(line)
    console.print(t("cli.chat.bye", session.lang))


def open_conversation(settings: Settings, lang: str, *, model: str, system: str | None, resume: str | None,
                      latest: bool) -> StoredChat | None:
    """The conversation this chat writes to: a new one, the latest (--continue) or a given one. A store that
    cannot be opened leaves the chat usable, unsaved, and says so; a conversation that is not there ends it."""
    from causerie.store import Store

    try:
        store = Store.open(settings.store_url)
    except CauserieError as error:
        if resume or latest:
            fail(error, lang)
        err_console.print(f"[yellow]⚠[/] {escape(t('cli.chat.unsaved', lang, reason=error.message(lang)))}")
        return None
    try:
        if resume or latest:
            stored = StoredChat.resume(store, resume, flush_ms=settings.store_flush_ms)
        else:
            stored = StoredChat.new(store, model=model, system=system, flush_ms=settings.store_flush_ms)
    except CauserieError as error:
        store.close()
        fail(error, lang)
    return stored


def replay(session: ChatSession) -> None:
    """A resumed conversation: what it is, and its last exchange, so the user knows where they are."""
    stored = session.stored
    assert stored is not None
    messages = [m for m in stored.messages() if m.content]
    session.history = [{"role": m.role, "content": m.content} for m in messages]
    if session.system is None and stored.conversation is not None:
        session.system = stored.conversation.system_prompt
    title = stored.conversation.title if stored.conversation else ""
    console.print(t("cli.chat.resumed", session.lang, title=title or stored.id, count=len(messages)), markup=False,
                  soft_wrap=True)
    for message in messages[-2:]:
        label = t("cli.chat.you" if message.role == "user" else "cli.chat.assistant", session.lang)
        console.print(f"[dim]{escape(label)} › {escape(message.content)}[/]")


def chat(
    ctx: typer.Context,
    model: str = typer.Option(None, "--model", "-m", help="cli.opt.model"),
    system: str = typer.Option(None, "--system", "-s", help="cli.opt.system"),
    temperature: float = typer.Option(None, "--temperature", "-t", min=0, max=2,
                                      help="cli.opt.temperature"),
    latest: bool = typer.Option(False, "--continue", "-c", help="cli.opt.chat_continue"),
    conversation: str = typer.Option(None, "--conversation", help="cli.opt.chat_conversation"),
    no_save: bool = typer.Option(False, "--no-save", help="cli.opt.chat_no_save"),
) -> None:
    settings, lang_ = session(ctx, model=model)
    resumed = bool(latest or conversation)
    stored = None if no_save and not resumed else open_conversation(
        settings, lang_, model=settings.model, system=default_system(system, lang_) if not resumed else system,
        resume=conversation, latest=latest)
    with typed_ahead_kept() as typed:  # what the user types while the model loads is kept
        engine = load_engine(settings, settings.model, lang_)
    chat_session = ChatSession(engine, settings, lang_, default_system(system, lang_) if not resumed else system,
                          temperature, stored=stored)
    try:
        repl(chat_session, typed.lines, resumed=resumed)
    finally:
        chat_session.engine.close()
        if chat_session.stored is not None:
            if chat_session.stored.id is not None:
                console.print(t("cli.chat.saved", lang_, id=chat_session.stored.id), markup=False, soft_wrap=True)
            chat_session.stored.store.close()


def register(app: typer.Typer, lang: str) -> None:
    app.command(help=t("cli.help.chat", lang))(localized(chat, lang))
