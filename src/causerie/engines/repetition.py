"""Runaway repetition: a small model that loops ("Merci. Merci. Merci. …", the same line over and over)
would otherwise run to its token cap. The guard watches the streamed text and says when its end is one
block repeated `times` times in a row."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RepetitionGuard:
    times: int = 6  # a block this many times in a row is a loop (lists and refrains repeat less)
    shortest: int = 4  # characters: shorter blocks ("....", "----") are punctuation, not a loop
    longest: int = 200
    check_every: int = 32  # characters of new text between checks
    _text: list[str] = field(default_factory=list)
    _length: int = 0
    _checked_at: int = 0

    def feed(self, text: str) -> bool:
        """Add streamed text; True once the text ends in a loop."""
        self._text.append(text)
        self._length += len(text)
        if self._length - self._checked_at < self.check_every:
            return False
        self._checked_at = self._length
        tail = "".join(self._text)[-self.longest * self.times:]
        self._text = [tail]
        return any(looping(tail, period, self.times) for period in range(self.shortest, self.longest + 1))


def looping(text: str, period: int, times: int) -> bool:
    """`text` ends with the same `period` characters `times` times in a row (the block not only spaces)."""
    span = period * times
    if len(text) < span:
        return False
    block = text[-period:]
    return bool(block.strip(" .\n-_=*")) and text[-span:] == block * times
