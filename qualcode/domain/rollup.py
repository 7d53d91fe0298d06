"""Roll-up: a code also counts the turns coded with any code below it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from qualcode.domain.codekey import CodeKey


@dataclass(frozen=True)
class RollUp:
    """Which codes become rows, and which codes each row counts.

    ``own`` are row codes that count their own codings; ``levels[n]`` maps each row code at
    depth n that has descendants to the ids of those descendants.
    """

    own: tuple[int, ...]
    levels: tuple[tuple[tuple[int, tuple[int, ...]], ...], ...]

    @classmethod
    def build(cls, codes: Iterable[tuple[int, str]], rows: Iterable[int]) -> RollUp:
        """Roll-up for the row code ids among `codes` ((id, key) pairs), by key prefix."""
        keys = {code_id: CodeKey(key) for code_id, key in codes}
        wanted = [code_id for code_id in rows if code_id in keys]
        levels: dict[int, list[tuple[int, tuple[int, ...]]]] = {}
        for row in wanted:
            above = keys[row].key
            below = tuple(code_id for code_id, key in keys.items() if key.below(above))
            if below:
                levels.setdefault(keys[row].depth, []).append((row, below))
        return cls(own=tuple(wanted), levels=tuple(tuple(levels[d]) for d in sorted(levels)))

    def descendants(self, code_id: int) -> tuple[int, ...]:
        """The code and every code it rolls up."""
        for level in self.levels:
            for row, below in level:
                if row == code_id:
                    return (code_id, *below)
        return (code_id,)


def lineage(codes: Iterable[tuple[int, int, str]]) -> dict[int, tuple[int, ...]]:
    """Each code id (of (id, codebook id, key) triples) with the ids of the codes it rolls up
    into: itself and its ancestors in its own codebook."""
    codes = list(codes)
    books: dict[int, dict[str, int]] = {}
    for code_id, book_id, key in codes:
        books.setdefault(book_id, {})[key] = code_id
    found = {}
    for code_id, book_id, key in codes:
        keys = books[book_id]
        found[code_id] = (code_id, *(keys[k] for k in CodeKey(key).ancestors if k in keys))
    return found
