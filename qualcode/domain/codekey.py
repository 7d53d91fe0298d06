"""Code keys: a code's dotted place in the codebook hierarchy (``concept.code.subcode``).

The one home of the key rules: the concept is the first part, the parent is the key
without its last part, the depth counts the dots (0 for a concept), and a key is within
another when it is that key or starts with it and a dot.
"""

from __future__ import annotations

from dataclasses import dataclass

SEPARATOR = "."


@dataclass(frozen=True, order=True)
class CodeKey:
    key: str

    @property
    def parts(self) -> tuple[str, ...]:
        return tuple(self.key.split(SEPARATOR))

    @property
    def concept(self) -> str:
        """The top-level code the key belongs to."""
        return self.key.split(SEPARATOR, 1)[0]

    @property
    def parent(self) -> str | None:
        """The key one level up, None for a concept."""
        head, dot, _ = self.key.rpartition(SEPARATOR)
        return head if dot else None

    @property
    def depth(self) -> int:
        """0 for a concept, 1 for its codes, and so on."""
        return self.key.count(SEPARATOR)

    @property
    def level(self) -> int:
        """depth + 1: the level options count from 1 (top level)."""
        return self.depth + 1

    @property
    def last(self) -> str:
        """The last part (a code's default name)."""
        return self.key.rsplit(SEPARATOR, 1)[-1]

    @property
    def ancestors(self) -> tuple[str, ...]:
        """The keys above this one, nearest last (``a``, ``a.b`` for ``a.b.c``)."""
        parts = self.parts
        return tuple(SEPARATOR.join(parts[:n]) for n in range(1, len(parts)))

    def within(self, other: str) -> bool:
        """True when this key is `other` or lies below it."""
        return self.key == other or self.key.startswith(other + SEPARATOR)

    def below(self, other: str) -> bool:
        """True when this key lies strictly below `other`."""
        return self.key.startswith(other + SEPARATOR)

    def related(self, other: str) -> bool:
        """True when one key is the other or lies below it."""
        return self.within(other) or CodeKey(other).within(self.key)

    def __str__(self) -> str:
        return self.key
