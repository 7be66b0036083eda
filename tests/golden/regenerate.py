"""The golden figures file of the demo pack: computed in-process (siamlib.demo +
siamlib.figures, no papermill), on the shipped params (the end-to-end demo).

Regenerate deliberately, after a change that is meant to move the demo's figures:
``make golden`` (runs ``python -m tests.golden.regenerate``), then review the diff and commit.
"""

import sys
import tempfile
from pathlib import Path

from siamlib import demo, figures

PERIOD = "2026-10"
GOLDEN = Path(__file__).with_name(f"demo-{PERIOD}-figures.csv")


def demo_figures_text(work_dir: Path) -> str:
    """The figures file (CSV text) of the demo estate for PERIOD, as `siam figures` writes it."""
    folder = demo.write_demo(work_dir / "demo")
    return figures.to_csv_text(figures.compute_figures(PERIOD, folder).frame)


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        text = demo_figures_text(Path(tmp))
    GOLDEN.write_text(text, encoding="utf-8", newline="")
    print(f"wrote {GOLDEN}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
