"""Run every benchmark module (bench/bench_*.py); each has `run() -> list[str]` of result lines."""

import importlib
import pkgutil
import sys
from pathlib import Path


def main(selected: list[str]) -> int:
    here = Path(__file__).resolve().parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))
    failed = False
    for name in names:
        if selected and name not in selected:
            continue
        print(f"== {name}")
        module = importlib.import_module(f"bench.{name}")
        for line in module.run():
            print(f"  {line}")
            failed = failed or line.startswith("FAIL")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
