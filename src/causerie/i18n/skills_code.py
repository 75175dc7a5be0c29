"""Catalogue entries of the code skills (code, optimize, fix, explain) and the sandbox's reports."""

SKILLS_CODE: dict[str, dict[str, str]] = {}
