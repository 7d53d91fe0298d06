"""Generate a synthetic study for benchmarks: many transcripts in mixed formats.

    python benchmarks/gen_corpus.py OUT_DIR [--transcripts 1000] [--words 10000] [--seed 7]

Writes the files and a `manifest.yaml` naming each with department, group kind and roles,
and the deck of statement cards. Turn texts are random sentences over a vocabulary of
hospital talk, so that readers, the importer and the suggester see realistic token lengths.
Each focus group reads `CARDS_PER_GROUP` cards the way groups do (a participant reads, with
fillers, "okay, the next one says", or only the first part); the true readings are listed in
`readings.json` (file -> [turn index, card key]) for measuring detection.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

import yaml

DEPARTMENTS = [
    "Outpatient clinic",
    "Bed ward",
    "Day surgery",
    "Emergency",
    "Psychiatry",
    "Paediatrics",
    "Cardiology",
    "Oncology",
    "Radiology",
    "Laboratory",
    "Rehabilitation",
    "Maternity",
]
KINDS = ["employee-representatives", "management", "staff", "staff"]
ROLES = ["nurse", "physician", "medical secretary", "nursing assistant", "manager", "porter"]
NAMES = [
    "Anne",
    "Bo",
    "Carla",
    "Dorthe",
    "Erik",
    "Frida",
    "Gitte",
    "Hans",
    "Ida",
    "Jens",
    "Kåre",
    "Lise",
    "Mette",
    "Niels",
    "Ole",
    "Pia",
    "Søren",
    "Tove",
]
WORDS = [
    "we",
    "the",
    "patients",
    "phone",
    "lunch",
    "break",
    "schedule",
    "list",
    "system",
    "time",
    "never",
    "always",
    "ward",
    "nurse",
    "doctor",
    "secretary",
    "round",
    "handover",
    "morning",
    "afternoon",
    "waiting",
    "planning",
    "plan",
    "day",
    "week",
    "shift",
    "colleagues",
    "respect",
    "goal",
    "knowledge",
    "share",
    "talk",
    "call",
    "meeting",
    "new",
    "old",
    "region",
    "management",
    "decision",
    "budget",
    "cut",
    "reorganisation",
    "merger",
    "change",
    "again",
    "because",
    "so",
    "but",
    "and",
    "then",
    "yes",
    "no",
    "really",
    "quite",
    "just",
    "very",
    "much",
    "little",
    "busy",
    "late",
    "early",
    "behind",
    "pressure",
    "stress",
    "calm",
    "rhythm",
    "interrupt",
    "disturbed",
    "paper",
    "workaround",
    "standard",
    "answer",
    "skip",
    "task",
    "document",
    "record",
    "job",
    "craft",
]
FORMATS = ["txt", "otter", "vtt", "srt", "txt_roles"]
DECK = {
    "planning": "The opportunity for planning my daily work is good.",
    "coordination": "Coordinating daily tasks is challenged by the way we cooperate among "
    "professional groups.",
    "disturbed": "We are frequently disturbed while doing tasks that require full attention.",
    "it_system": "The IT system supports my work with the patients.",
    "breaks": "I get the breaks I need during the working day.",
    "development": "I have time for professional development in my working hours.",
}
CARDS_PER_GROUP = 5


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(6, 18))]
    return " ".join(words).capitalize() + rng.choice([".", ".", "?", "!"])


def turns(rng: random.Random, total_words: int, speakers: list[str]) -> list[tuple[str, str]]:
    result: list[tuple[str, str]] = []
    count = 0
    previous = None
    while count < total_words:
        speaker = rng.choice([s for s in speakers if s != previous])
        previous = speaker
        text = " ".join(sentence(rng) for _ in range(rng.randint(1, 6)))
        count += len(text.split())
        result.append((speaker, text))
    return result


def read_card(rng: random.Random, statement: str) -> str:
    """A participant reading a card aloud, as people do."""
    words = statement.rstrip(".").split()
    form = rng.randrange(4)
    if form == 1:  # a filler in the middle
        at = rng.randint(2, len(words) - 2)
        words = [*words[:at], rng.choice(["uh,", "um,", "er..."]), *words[at:]]
    elif form == 2:  # only the first part, trailing off
        words = [*words[: max(4, len(words) * 3 // 4)], "..."]
    text = " ".join(words)
    opener = rng.choice(['"', "Okay, the next one says: ", "I'll read it. ", ""])
    close = '"' if opener == '"' else "."
    return f"{opener}{text}{close} {rng.choice(['Hmm.', 'Well.', 'Yes and no.', ''])}".strip()


def with_cards(
    rng: random.Random, talk: list[tuple[str, str]], speakers: list[str]
) -> tuple[list[tuple[str, str]], list[tuple[int, str]]]:
    """The talk with a card reading (after the moderator's "Next card.") at even intervals."""
    keys = rng.sample(sorted(DECK), CARDS_PER_GROUP)
    step = max(1, len(talk) // (CARDS_PER_GROUP + 1))
    result: list[tuple[str, str]] = []
    readings: list[tuple[int, str]] = []
    for index, turn in enumerate(talk):
        if index and index % step == 0 and len(readings) < len(keys):
            key = keys[len(readings)]
            # Readers merging a speaker's consecutive cues must not merge these turns.
            if result[-1][0] != "Moderator":
                result.append(("Moderator", "Next card, then."))
            readings.append((len(result), key))
            reader = rng.choice([name for name in speakers[1:] if name != turn[0]])
            result.append((reader, read_card(rng, DECK[key])))
        result.append(turn)
    return result, readings


def clock(seconds: float, sep: str = ".") -> str:
    whole = int(seconds)
    millis = int((seconds - whole) * 1000)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}{sep}{millis:03d}"


def render(fmt: str, talk: list[tuple[str, str]], roles: dict[str, str]) -> str:
    lines: list[str] = []
    t = 0.0
    if fmt == "vtt":
        lines.append("WEBVTT\n")
    for index, (speaker, text) in enumerate(talk, start=1):
        duration = len(text.split()) * 0.4
        if fmt == "txt":
            lines.append(f"[{clock(t)[:8]}] {speaker}: {text}")
        elif fmt == "txt_roles":
            lines.append(f"{speaker} ({roles[speaker]}): {text}")
        elif fmt == "otter":
            lines.append(f"{speaker}  {int(t) // 60}:{int(t) % 60:02d}\n{text}\n")
        elif fmt == "vtt":
            lines.append(f"{clock(t)} --> {clock(t + duration)}\n<v {speaker}>{text}</v>\n")
        else:
            lines.append(
                f"{index}\n{clock(t, ',')} --> {clock(t + duration, ',')}\n"
                f"{speaker.upper()}: {text}\n"
            )
        t += duration + 0.5
    return "\n".join(lines) + "\n"


def generate(out: Path, transcripts: int, words: int, seed: int) -> Path:
    rng = random.Random(seed)
    cards_rng = random.Random(seed + 1)  # the talk stays the same as without cards
    out.mkdir(parents=True, exist_ok=True)
    entries = []
    truth: dict[str, list[tuple[int, str]]] = {}
    for number in range(transcripts):
        fmt = FORMATS[number % len(FORMATS)]
        speakers = ["Moderator", *rng.sample(NAMES, rng.randint(4, 7))]
        roles = {name: rng.choice(ROLES) for name in speakers}
        roles["Moderator"] = "moderator"
        talk, truth_readings = with_cards(cards_rng, turns(rng, words, speakers), speakers)
        suffix = {"txt": "txt", "txt_roles": "txt", "otter": "txt", "vtt": "vtt", "srt": "srt"}
        name = f"t{number:05d}_{fmt}.{suffix[fmt]}"
        (out / name).write_text(render(fmt, talk, roles), encoding="utf-8")
        truth[name] = truth_readings
        if fmt == "srt":
            roles = {label.upper(): role for label, role in roles.items()}
        entries.append(
            {
                "file": name,
                "department": DEPARTMENTS[number % len(DEPARTMENTS)],
                "group_kind": KINDS[number % len(KINDS)],
                "language": "en",
                "roles": roles,
            }
        )
    manifest = out / "manifest.yaml"
    cards = [{"key": key, "statement": {"en": text}} for key, text in DECK.items()]
    document = {"transcripts": entries, "cards": cards}
    manifest.write_text(yaml.safe_dump(document, allow_unicode=True), "utf-8")
    (out / "readings.json").write_text(json.dumps(truth), "utf-8")
    return manifest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--transcripts", type=int, default=1000)
    parser.add_argument("--words", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    manifest = generate(args.out, args.transcripts, args.words, args.seed)
    print(f"wrote {args.transcripts} transcripts and {manifest}")


if __name__ == "__main__":
    main()
