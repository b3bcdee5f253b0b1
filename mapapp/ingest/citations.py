"""Line citations into a source text: ``34``, ``220-225``, ``34;102``."""

from __future__ import annotations

import re

_ITEM = re.compile(r"([0-9]+)(?:\s*-\s*([0-9]+))?")
EN_DASH = "–"
LINES_FIX = "give line numbers like 34, 220-225 or 34;102"


class LinesError(ValueError):
    """A malformed ``source_lines`` cell; :attr:`reason` reads after the quoted cell."""

    def __init__(self, text: str, reason: str):
        self.text, self.reason = text, reason
        super().__init__(f"'{text}' {reason}")


def parse_lines(text: str) -> list[tuple[int, int]]:
    """Parse ``34;220-225`` into ``[(34, 34), (220, 225)]``; :class:`LinesError` if malformed or backwards."""
    items = [item.strip() for item in text.split(";")]
    if not text.strip() or any(not item for item in items):
        raise LinesError(text, "is not a list of line numbers")
    ranges: list[tuple[int, int]] = []
    for item in items:
        match = _ITEM.fullmatch(item)
        if match is None:
            raise LinesError(text, "is not a list of line numbers")
        first = int(match.group(1))
        last = int(match.group(2)) if match.group(2) is not None else first
        if last < first:
            raise LinesError(text, f"has a range that runs backwards ({item})")
        ranges.append((first, last))
    return ranges


def format_lines(ranges: list[tuple[int, int]]) -> str:
    """``[(34, 34), (220, 225)]`` → ``34, 220–225``."""
    return ", ".join(str(a) if a == b else f"{a}{EN_DASH}{b}" for a, b in ranges)


def normalise_lines(text: str) -> str:
    """The canonical cell form: ``34;220-225`` (no spaces)."""
    return ";".join(str(a) if a == b else f"{a}-{b}" for a, b in parse_lines(text))


_WORDED = re.compile(r"\{lines:([^|{}]*)\|([^|{}]*)\}")


def has_lines_placeholder(template: str) -> bool:
    """Whether ``template`` says where line numbers go (``{lines}`` or ``{lines:word|words}``)."""
    return "{lines}" in template or _WORDED.search(template) is not None


def cite(template: str, lines: str) -> str:
    """Fill a source's ``citation_en``/``citation_ru`` template with formatted line numbers.

    ``{lines}`` becomes the numbers alone; ``{lines:line|lines}`` puts the singular word before
    a single line and the plural before several ("line 34", "lines 220–225", "строки 81, 199").
    """
    if not lines:
        return template
    ranges = parse_lines(lines)
    numbers = format_lines(ranges)
    single = len(ranges) == 1 and ranges[0][0] == ranges[0][1]
    worded = _WORDED.sub(lambda m: f"{m.group(1) if single else m.group(2)} {numbers}", template)
    return worded.replace("{lines}", numbers)
