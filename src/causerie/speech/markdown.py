"""Markdown to plain, speakable text.

Chat models answer in markdown; read aloud, its markers become noise ("dièse dièse", "astérisque"). Code
blocks, links' addresses and HTML are dropped, the words of headings, lists, tables and emphasis are kept,
and every heading, list item and table row ends with punctuation so that the voice pauses there.
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
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^\s*(?:[-*+•]|\d{1,3}[.)])\s+")
_QUOTE = re.compile(r"^\s*>+\s?")
_RULE = re.compile(r"^\s*(?:[-*_]\s*){3,}$")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_ENDS_WITH_STOP = re.compile(r"[.!?…:;,]$")


def _with_stop(line: str) -> str:
    return line if not line or _ENDS_WITH_STOP.search(line) else line + "."


def _line(raw: str) -> str:
    """One line of markdown, its block markers removed; structural lines get a final stop."""
    if _RULE.match(raw) or _TABLE_SEPARATOR.match(raw):
        return ""
    line = _QUOTE.sub("", raw)
    if heading := _HEADING.match(line):
        return _with_stop(heading.group(1))
    if _BULLET.match(line):
        return _with_stop(_BULLET.sub("", line).strip())
    if line.strip().startswith("|"):
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        return _with_stop(", ".join(cell for cell in cells if cell))
    return line


def strip_markdown(text: str) -> str:
    text = _FENCED.sub("\n\n", text)
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    text = _URL.sub("", text)
    text = _HTML.sub("", text)
    text = _INLINE_CODE.sub(r"\1", text)
    for _ in range(2):  # nested emphasis: ***bold italic***, **_both_**
        text = _EMPHASIS.sub(r"\2", text)
    return "\n".join(_line(raw) for raw in text.split("\n"))
