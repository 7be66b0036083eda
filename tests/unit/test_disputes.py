"""siamlib.params.disputes: the disputes register, validated strictly; upheld = excluded."""

from __future__ import annotations

import shutil

import pytest

from siamlib.params import ParamsError, load_params
from tests.fixtures.fixture_params import FIXTURE_PARAMS_DIR

UPHELD = (
    "disputes:\n  - {id: D-1, ticket_id: INC9, raised_by: Summit Hosting, reason: Site closed,"
    " status: upheld, decided_on: 2026-11-12, decided_by: J. Okafor}\n"
)


@pytest.fixture
def root(tmp_path):
    dst = tmp_path / "params"
    shutil.copytree(FIXTURE_PARAMS_DIR, dst, ignore=shutil.ignore_patterns("drafts"))
    return dst


def test_upheld_dispute_is_an_exclusion_with_its_decider(root):
    (root / "disputes.yaml").write_text(UPHELD, encoding="utf-8")
    ex = {e.ticket_id: e for e in load_params(root).exclusions.exclusions}
    assert ex["INC9"].approver == "J. Okafor"
    assert ex["INC9"].reason.startswith("Dispute D-1 upheld (raised by Summit Hosting)")


def test_open_and_rejected_disputes_exclude_nothing(root):
    before = len(load_params(root).exclusions.exclusions)
    text = UPHELD.replace("status: upheld", "status: rejected")
    text += "  - {id: D-2, ticket_id: INC8, raised_by: Summit, reason: Late, status: open}\n"
    (root / "disputes.yaml").write_text(text, encoding="utf-8")
    assert len(load_params(root).exclusions.exclusions) == before


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (UPHELD.replace(", decided_by: J. Okafor", ""), "needs decided_on"),
        (UPHELD.replace("status: upheld", "status: open"), "open dispute has no decided_on"),
        (UPHELD.replace("reason:", "colour: red, reason:"), "colour"),
        (UPHELD.replace("status: upheld", "status: won"), "status"),
    ],
)
def test_bad_dispute_names_the_file_and_key(root, text, problem):
    (root / "disputes.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ParamsError, match=f"disputes.yaml: disputes\\[0\\].*{problem}"):
        load_params(root)
