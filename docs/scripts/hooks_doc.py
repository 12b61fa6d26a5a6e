"""Write docs/hooks.md from the hook specifications, so the page cannot drift from them.

    python docs/scripts/hooks_doc.py          # rewrite docs/hooks.md
    python docs/scripts/hooks_doc.py --check  # exit 1 if docs/hooks.md is out of date
"""

from __future__ import annotations

import inspect
import sys
from pathlib import Path

from _generated_page import write_or_check

from neuroplug import hookspecs

PAGE = Path(__file__).resolve().parents[1] / "hooks.md"


def hook_functions() -> list[tuple[str, object]]:
    """Every hook specification, in declaration order."""
    hooks = [
        (name, obj)
        for name, obj in vars(hookspecs).items()
        if name.startswith("neuroplug_") and callable(obj)
    ]
    return sorted(hooks, key=lambda item: inspect.getsourcelines(item[1])[1])


def render() -> str:
    lines = [
        "# Hooks",
        "",
        "Generated from `neuroplug/hookspecs.py` by `docs/scripts/hooks_doc.py`; edit the",
        "docstrings there, then rerun the script.",
        "",
        inspect.getdoc(hookspecs).strip(),
        "",
    ]
    for name, function in hook_functions():
        opts = getattr(function, "neuroplug_spec", {}) or {}
        signature = str(inspect.signature(function)).replace("'", "")
        lines += [f"## `{name}`", "", "```python", f"def {name}{signature}", "```", ""]
        if opts.get("firstresult"):
            lines += ["*firstresult*: the first non-`None` result wins.", ""]
        lines += [inspect.getdoc(function).strip(), ""]
    return "\n".join(lines)


def main() -> int:
    return write_or_check(PAGE, render, __doc__.splitlines()[0], "docs/scripts/hooks_doc.py")


if __name__ == "__main__":
    sys.exit(main())
