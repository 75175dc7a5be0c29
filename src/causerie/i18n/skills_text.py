"""Catalogue entries of the text skills (draft, improve, translate, summarize, story)."""

SKILLS_TEXT: dict[str, dict[str, str]] = {}
