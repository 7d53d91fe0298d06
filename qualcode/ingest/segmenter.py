"""Split long turns into pieces on sentence boundaries (spaCy's rule-based sentencizer).

Pieces are packed greedily: consecutive sentences share a piece while it stays within
``max_chars``; a single sentence longer than that stays whole. Times are interpolated by
character position when the turn has both a start and an end (an estimate: the first piece
keeps the turn's start and the last its end); otherwise the first piece keeps the start,
the last the end, and the pieces between have no times.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from functools import cache
from itertools import pairwise
from typing import TYPE_CHECKING

from qualcode.domain.transcript import Turn
from qualcode.errors import QualcodeError

if TYPE_CHECKING:
    from spacy.language import Language


def split_sentences(turns: list[Turn], language: str, max_chars: int = 400) -> list[Turn]:
    """Return the turns with every turn longer than ``max_chars`` split into pieces."""
    long_texts = [turn.text for turn in turns if len(turn.text) > max_chars]
    if not long_texts:
        return list(turns)
    nlp = _sentencizer(language)
    nlp.max_length = max(nlp.max_length, max(map(len, long_texts)) + 1)
    docs = iter(nlp.pipe(long_texts))
    result: list[Turn] = []
    for turn in turns:
        if len(turn.text) <= max_chars:
            result.append(turn)
            continue
        sentence_starts = [sentence.start_char for sentence in next(docs).sents]
        result.extend(_pieces(turn, _cuts(sentence_starts, len(turn.text), max_chars)))
    return result


def sentence_bounds(
    segments: Iterable[tuple[int, int, int, int]],
    texts: Mapping[int, str],
    language_of: Mapping[int, str],
) -> list[tuple[int, int, int, int]]:
    """Every sentence of the segments as (transcript, start, end, segment), sorted.

    `segments` are (id, transcript, start, end) rows; `texts` and `language_of` map a
    transcript id to its text and language. Whitespace the sentencizer splits off (a
    turn's trailing newline) joins the sentence before.
    """
    by_language: dict[str, list[tuple[int, int, int, int]]] = defaultdict(list)
    for segment in segments:
        by_language[language_of[segment[1]]].append(segment)
    bounds: list[tuple[int, int, int, int]] = []
    for language, group in by_language.items():
        nlp = _sentencizer(language)
        pieces = [texts[tid][start:end] for _, tid, start, end in group]
        nlp.max_length = max([nlp.max_length, *(len(piece) + 1 for piece in pieces)])
        for (sid, tid, start, end), doc in zip(group, nlp.pipe(pieces), strict=True):
            cuts = [
                start + sentence.start_char
                for sentence in doc.sents
                if sentence.text.strip() and sentence.start_char > 0
            ]
            for begin, finish in zip([start, *cuts], [*cuts, end], strict=True):
                bounds.append((tid, begin, finish, sid))
    return sorted(bounds)


@cache
def _sentencizer(language: str) -> Language:
    # Imported here: spaCy takes most of a second to import and only this path needs it.
    import spacy

    try:
        nlp = spacy.blank(language)
    except ImportError:
        raise QualcodeError(
            f"'{language}' is not a language spaCy knows. "
            "Use a language code such as da, nb, sv or en."
        ) from None
    nlp.add_pipe("sentencizer")
    return nlp


def _cuts(sentence_starts: list[int], length: int, max_chars: int) -> list[int]:
    """Character positions where pieces start, then ``length``."""
    cuts = [0]
    sentence_ends = [*sentence_starts[1:], length]
    for start, end in zip(sentence_starts, sentence_ends, strict=True):
        # A sentence that would overflow the open piece starts a new one.
        if start > cuts[-1] and end - cuts[-1] > max_chars:
            cuts.append(start)
    cuts.append(length)
    return cuts


def _pieces(turn: Turn, cuts: list[int]) -> list[Turn]:
    text, start, end = turn.text, turn.start, turn.end
    times: list[float | None]
    if start is not None and end is not None:
        times = [start + (end - start) * cut / len(text) for cut in cuts]
    else:
        times = [start, *[None] * (len(cuts) - 2), end]
    return [
        Turn(turn.speaker, text[begin:finish].strip(), times[index], times[index + 1], turn.role)
        for index, (begin, finish) in enumerate(pairwise(cuts))
    ]
