"""Back-test: the demo pack's figures file is byte for byte the pinned golden file.

A failure means a change moved the demo's figures. If that was meant, run ``make golden``
and commit the new file with the reason; otherwise the change has a bug.
"""

from .regenerate import GOLDEN, demo_figures_text


def test_demo_figures_equal_the_golden_file(tmp_path):
    got = demo_figures_text(tmp_path)
    assert got == GOLDEN.read_text(encoding="utf-8"), "demo figures moved: see make golden"
