"""Markdown to plain text: for reading aloud, and for the plain texts a skill returns (a story).

Chat models answer in markdown; read aloud, its markers become noise ("dièse dièse", "astérisque"). Code
blocks, links' addresses and HTML are dropped, the words of headings, lists, tables and emphasis are kept.
With `pauses` (reading aloud), every heading, list item and table row ends with punctuation so that the
voice pauses there.
"""

from __future__ import annotations

import re

_FENCED = re.compile(r"^\s*(```|~~~).*?^\s*\1[^\n]*$", re.S | re.M)
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_URL = re.compile(r"<?\b(?:https?://|www\.)\S+>?")
_HTML = re.compile(r"</?[a-zA-Z][^<>]*>")
_INLINE_CODE = re.compile(r"`+([^`]*)`+")
_EMPHASIS = re.compile(r"(\*{1,3}|_{1,3}|~~)(?=\S)(.+?)(?<=\S)\1")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*(.*?)\s*#*\s*$")  # "#Title": a small model forgets the space
_BULLET = re.compile(r"^\s*(?:[-*+•]|\d{1,3}[.)])\s+")
_QUOTE = re.compile(r"^\s*>+\s?")
_RULE = re.compile(r"^\s*(?:[-*_]\s*){3,}$")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_ENDS_WITH_STOP = re.compile(r"[.!?…:;,]$")
_UNPAIRED = re.compile(r"\*\*+|__+|~~")


def _with_stop(line: str) -> str:
    return line if not line or _ENDS_WITH_STOP.search(line) else line + "."


def _line(raw: str, pauses: bool) -> str:
    """One line of markdown, its block markers removed; structural lines get a final stop (`pauses`)."""
    stop = _with_stop if pauses else str.strip
    if _RULE.match(raw) or _TABLE_SEPARATOR.match(raw):
        return ""
    line = _QUOTE.sub("", raw)
    if heading := _HEADING.match(line):
        return stop(heading.group(1))
    if _BULLET.match(line):
        return stop(_BULLET.sub("", line).strip())
    if line.strip().startswith("|"):
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        return stop(", ".join(cell for cell in cells if cell))
    return line


def strip_markdown(text: str, pauses: bool = True) -> str:
    text = _FENCED.sub("\n\n", text)
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    text = _URL.sub("", text)
    text = _HTML.sub("", text)
    text = _INLINE_CODE.sub(r"\1", text)
    for _ in range(2):  # nested emphasis: ***bold italic***, **_both_**
        text = _EMPHASIS.sub(r"\2", text)
    text = _UNPAIRED.sub("", text)  # marks left alone (a bold cut off by the token limit)
    text = "\n".join(_line(raw, pauses) for raw in text.split("\n"))
    return text if pauses else re.sub(r"\n{3,}", "\n\n", text).strip()
