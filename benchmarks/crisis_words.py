"""Crisis words against the labelled corpus: acute recall, distress answered, false alarms, per language.

    uv run python -m benchmarks.crisis_words [--show]

`--show` lists every phrase that went wrong. Targets (issue 14): acute recall at least 0.97, every distress
phrase answered, at most 1 % of harmless phrases with the card (and at most 5 % answered as distress).
"""

from __future__ import annotations

import argparse
import time

from tests.dialogs.crisis.corpus import ACUTE_RECALL, FALSE_CARDS, FALSE_DISTRESS, all_figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="list the phrases that went wrong")
    args = parser.parse_args()
    started = time.perf_counter()
    results = all_figures()
    elapsed = time.perf_counter() - started
    phrases = sum(r.acute + r.distress + r.harmless for r in results)
    print(
        f"targets: acute recall >= {ACUTE_RECALL:.2f}, distress all answered, "
        f"false cards <= {FALSE_CARDS:.0%}, false distress <= {FALSE_DISTRESS:.0%}"
    )
    print("lang  acute  recall  distress  answered  harmless  false cards  false distress  ok")
    for r in results:
        answered = r.distress - len(r.unanswered)
        print(
            f"{r.lang:<5} {r.acute:>5}  {r.recall:>6.3f}  {r.distress:>8}  {answered:>8}  {r.harmless:>8}"
            f"  {len(r.false_cards):>4} ({r.false_card_rate:>4.1%})  {len(r.false_distress):>4} "
            f"({r.false_distress_rate:>4.1%})  {'yes' if r.meets_targets() else 'NO'}"
        )
        if args.show:
            for label, wrong in (
                ("missed", r.missed),
                ("unanswered", r.unanswered),
                ("false card", r.false_cards),
                ("false distress", r.false_distress),
            ):
                for phrase in wrong:
                    print(f"      {label}: {phrase}")
    print(f"{phrases} phrases in {elapsed * 1000:.0f} ms ({elapsed / max(phrases, 1) * 1e6:.0f} µs a phrase)")


if __name__ == "__main__":
    main()
