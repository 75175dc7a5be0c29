"""Exports of a user's history (the right of access and portability): JSON with every stored field, or
Markdown to read. Shared by `GET /api/.../export` and `causerie history export`."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from typing import Any

from causerie.i18n import t
from causerie.store.records import ConversationDetail, KeyRecord, MessageRecord, now

FORMAT_VERSION = 1


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, frozenset):
        return sorted(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def conversation_dict(detail: ConversationDetail) -> dict[str, Any]:
    conversation = asdict(detail.conversation)
    conversation.pop("user_id")
    return _plain(conversation | {"messages": [asdict(message) for message in detail.messages]})


def key_dict(key: KeyRecord) -> dict[str, Any]:
    """What is stored about a key, except its hash."""
    fields = ("name", "prefix", "scopes", "created_at", "expires_at", "revoked_at", "last_used_at",
              "rate_limit_per_minute", "token_quota_per_day", "quota_day", "tokens_used")
    return _plain({field: getattr(key, field) for field in fields})


def to_json(user: str, details: list[ConversationDetail], keys: list[KeyRecord] | None = None,
            collections: list[dict[str, Any]] | None = None) -> str:
    document: dict[str, Any] = {"format": "causerie.export", "version": FORMAT_VERSION,
                                "exported_at": now().isoformat(), "user": user}
    if keys is not None:
        document["api_keys"] = [key_dict(key) for key in keys]
    document["conversations"] = [conversation_dict(detail) for detail in details]
    if collections is not None:  # the documents' text as stored, passage by passage (not the vectors)
        document["collections"] = _plain(collections)
    return json.dumps(document, ensure_ascii=False, indent=1)


def _message_md(message: MessageRecord, lang: str) -> list[str]:
    who = t(f"history.md.{message.role}", lang) if message.role in ("user", "assistant", "system") else message.role
    head = f"**{who}**"
    if message.role == "assistant" and message.model:
        head += f" · {message.model}"
    if message.status != "complete":
        head += f" · _{t(f'history.status.{message.status}', lang)}_"
    lines = [head, "", message.content or "…", ""]
    if message.feedback is not None:
        mark = "👍" if message.feedback.rating > 0 else "👎"
        lines += [f"> {mark} {message.feedback.comment}".rstrip(), ""]
    return lines


def to_markdown(details: list[ConversationDetail], lang: str) -> str:
    lines: list[str] = []
    for detail in details:
        conversation = detail.conversation
        lines += [f"# {conversation.title or t('history.untitled', lang)}", ""]
        lines += [t("history.md.meta", lang, created=conversation.created_at.strftime("%Y-%m-%d %H:%M UTC"),
                    model=conversation.model or "-", id=conversation.id), ""]
        if conversation.system_prompt:
            lines += [f"> {t('history.md.system', lang)} {conversation.system_prompt}", ""]
        for message in detail.messages:
            lines += _message_md(message, lang)
        lines += ["---", ""]
    return "\n".join(lines[:-2]) + "\n" if lines else ""  # no rule after the last conversation
