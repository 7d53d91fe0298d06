"""Reading a large study manifest, against loading its YAML alone, in alternating runs.

    python benchmarks/bench_manifest.py [--entries 3000] [--runs 5]

Writes a manifest of `--entries` transcripts shaped like `gen_corpus.py`'s (department,
group kind, language, five to eight speakers with roles) and its deck of cards (the files
themselves are not needed to read it), then runs, each in a fresh child process so each has
its own peak RSS, in turn:
- yaml: `yaml.load` with libyaml's loader (`CSafeLoader`), nothing else (the baseline);
- manifest: `qualcode.services.manifest.read_import_manifest`, what `qualcode import
  --manifest` reads (files, moderator roles, cards; aliases and nesting checked), then
  every entry's spec taken in order, as the import takes them.
Prints each run's wall and CPU seconds and peak RSS, the medians and the median ratio. The
manifest is written by a child process too, so that no child's peak RSS includes it.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_corpus import DECK, DEPARTMENTS, KINDS, NAMES, ROLES


def write_manifest(path: Path, entries: int) -> None:
    import yaml

    rng = random.Random(7)
    transcripts = []
    for number in range(entries):
        speakers = ["Moderator", *rng.sample(NAMES, rng.randint(4, 7))]
        roles = {name: rng.choice(ROLES) for name in speakers}
        roles["Moderator"] = "moderator"
        transcripts.append(
            {
                "file": f"t{number:05d}.txt",
                "department": DEPARTMENTS[number % len(DEPARTMENTS)],
                "group_kind": KINDS[number % len(KINDS)],
                "language": "en",
                "roles": roles,
            }
        )
    cards = [{"key": key, "statement": {"en": text}} for key, text in DECK.items()]
    document = {"moderator_roles": ["moderator"], "transcripts": transcripts, "cards": cards}
    path.write_text(yaml.safe_dump(document, allow_unicode=True), "utf-8")


def phase(name: str, manifest: Path) -> dict[str, float]:
    """One reading, timed after the modules it needs are imported."""
    import yaml

    from qualcode.services.manifest import read_import_manifest

    own = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = own.ru_utime + own.ru_stime
    started = time.perf_counter()
    if name == "yaml":
        document = yaml.load(manifest.read_text("utf-8"), Loader=yaml.CSafeLoader)
        entries = len(document["transcripts"])
    else:  # checked, then every entry read as an import reads them
        entries = sum(1 for _ in read_import_manifest(manifest).specs)
    seconds = time.perf_counter() - started
    own = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "seconds": seconds,
        "cpu": own.ru_utime + own.ru_stime - cpu_before,
        "entries": entries,
        "peak_rss_mb": own.ru_maxrss / 1024,
    }


def run_child(name: str, manifest: Path) -> dict[str, float]:
    output = subprocess.run(
        [sys.executable, __file__, "--phase", name, "--manifest", str(manifest)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--phase", choices=["yaml", "manifest", "write"], help=argparse.SUPPRESS)
    parser.add_argument("--manifest", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase == "write":
        write_manifest(args.manifest, args.entries)
        return
    if args.phase:
        print(json.dumps(phase(args.phase, args.manifest)))
        return
    with tempfile.TemporaryDirectory(prefix="qualcode-bench-") as folder:
        manifest = Path(folder) / "study.yaml"
        # Written by a child: a child started from a large parent reports the parent's
        # size as its own peak RSS (Linux keeps the high-water mark across exec).
        command = [sys.executable, __file__, "--phase", "write", "--manifest", str(manifest)]
        subprocess.run([*command, "--entries", str(args.entries)], check=True)
        size = manifest.stat().st_size
        results: dict[str, list[dict[str, float]]] = {"yaml": [], "manifest": []}
        for _ in range(args.runs):
            for name in results:
                result = run_child(name, manifest)
                results[name].append(result)
                print(
                    f"{name:<8} {result['seconds']:6.3f} s  CPU {result['cpu']:6.3f} s  "
                    f"peak RSS {result['peak_rss_mb']:.0f} MB",
                    flush=True,
                )
    median = statistics.median
    print(f"\n{args.entries:,} entries, {size:,} bytes; medians of {args.runs} runs:")
    for name, runs in results.items():
        print(
            f"{name:<8} {median(r['seconds'] for r in runs):6.3f} s  "
            f"CPU {median(r['cpu'] for r in runs):6.3f} s  "
            f"peak RSS {median(r['peak_rss_mb'] for r in runs):.0f} MB"
        )
    ratios = [
        m["seconds"] / y["seconds"]
        for m, y in zip(results["manifest"], results["yaml"], strict=True)
    ]
    print(f"manifest / yaml time: median {median(ratios):.2f}x")


if __name__ == "__main__":
    main()
