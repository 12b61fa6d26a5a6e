"""Write docs/neurogym-differences.md from the declared differences, so the page cannot drift.

Every deliberate difference from NeuroGym 2.3.1 is declared once, next to the code that makes
it, with ``neuroplug.fidelity.declare_difference``; this page lists them all.

    python docs/scripts/differences_doc.py          # rewrite docs/neurogym-differences.md
    python docs/scripts/differences_doc.py --check  # exit 1 if the page is out of date
"""

from __future__ import annotations

import sys
from itertools import groupby
from pathlib import Path

from _generated_page import write_or_check

from neuroplug.fidelity import KINDS, Difference, declared_differences

PAGE = Path(__file__).resolve().parents[1] / "neurogym-differences.md"

INTRO = """\
# Differences from NeuroGym 2.3.1

Generated from the declarations in the code (`neuroplug.fidelity.declare_difference`, one
beside the code that makes each difference) by `docs/scripts/differences_doc.py`; edit the
declaration, then rerun the script. A test keeps this page current, and every difference
names the test that asserts our behaviour.

With the same arguments, a task or wrapper here behaves as NeuroGym 2.3.1's does, except
for what this page lists. Each entry is one of three kinds:

- **bug fix**: NeuroGym's behaviour is a bug (a perfect agent cannot score 1, a random agent
  scores far from chance, a crash, a seed that does not reproduce, a documented parameter
  ignored or misread);
- **design**: a contract of neuroplug that NeuroGym does not have (no hidden step on
  `reset`, no pickle in saved files, ...);
- **option**: behaviour beyond NeuroGym's that is off by default; the default is NeuroGym's.

The side-by-side check that compares every task and wrapper with NeuroGym 2.3.1 in its own
environment is `benchmarks/fidelity_vs_neurogym.py`; its latest table is in
[fidelity.md](fidelity.md). Moving a NeuroGym program over: [the migration
guide](migrating-from-neurogym.md).
"""


def render_one(difference: Difference) -> list[str]:
    return [
        f"### `{difference.key}` ({difference.kind})",
        "",
        f"- **NeuroGym 2.3.1**: {difference.neurogym}",
        f"- **neuroplug**: {difference.neuroplug}",
        f"- **Why**: {difference.reason}",
        f"- **Declared in** `{difference.module}`; **tested by** `{difference.test}`",
        "",
    ]


def render(differences: list[Difference]) -> str:
    counts = {kind: sum(d.kind == kind for d in differences) for kind in KINDS}
    summary = ", ".join(f"{kind}: {n}" for kind, n in counts.items())
    lines = [INTRO, f"{len(differences)} differences ({summary}).", ""]
    for component, group in groupby(differences, key=lambda d: d.component):
        lines += [f"## {component}", ""]
        for difference in group:
            lines += render_one(difference)
    return "\n".join(lines).rstrip() + "\n"


def main() -> int:
    return write_or_check(PAGE, lambda: render(declared_differences()),
                          __doc__.splitlines()[0], "docs/scripts/differences_doc.py")


if __name__ == "__main__":
    sys.exit(main())
