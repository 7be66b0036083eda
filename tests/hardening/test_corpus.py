"""The hardening corpus: every generated bad input ends in exactly one outcome of the money rule.

Outcomes: ``rejected`` (a one-line ValueError naming the file or option; for the CLI exit 2
and one ``error:`` line), ``blocked`` (the gate blocks the touched suppliers, the others'
figures equal the baseline), ``quarantined`` (the gate says rows were quarantined and its
summary says so), ``unchanged`` (the figures equal the clean baseline). Anything else fails
the family's test, listing the case ids. Families and the baseline are described in
``docs/reliability.md``; the printed table is the corpus's report::

    .venv/bin/python -m pytest -p no:cacheprovider tests/hardening/test_corpus.py -s
    SIAM_CORPUS_COMPUTES=all .venv/bin/python -m pytest tests/hardening/test_corpus.py -s
"""

from __future__ import annotations

from pathlib import Path

import pytest

from siamlib import paths
from tests.hardening.corpus import outcome as O
from tests.hardening.corpus import runner
from tests.hardening.corpus.cli_cases import cli_cases
from tests.hardening.corpus.data_cases import data_cases
from tests.hardening.corpus.import_cases import import_cases
from tests.hardening.corpus.params_cases import params_cases

ALL: list[O.Verdict] = []


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    yield runner.build_baseline(tmp_path_factory.mktemp("corpus"))
    if ALL:
        print("\n=== hardening corpus: all families ===")
        print(O.summary_table(ALL))


def _check(family: str, verdicts: list[O.Verdict]) -> None:
    ALL.extend(verdicts)
    print(f"\n=== hardening corpus: {family} ===")
    print(O.summary_table(verdicts))
    failed = [v for v in verdicts if v.outcome == O.FAILED]
    assert not failed, f"{len(failed)} {family} cases failed:\n" + "\n".join(
        f"  {v.case_id}: {v.detail}" for v in failed
    )
    assert all(v.outcome in (*O.OUTCOMES, O.NOT_SAMPLED) for v in verdicts)


def test_corpus_holds_at_least_300_distinct_cases_with_readable_ids():
    ids = [
        c.id
        for c in (
            *params_cases(paths.PARAMS_DIR),
            *data_cases(),
            *import_cases(),
            *cli_cases(),
        )
    ]
    assert len(ids) == len(set(ids))
    assert len(ids) >= 300
    assert all(i.split("/")[0] in ("params", "data", "imports", "cli") for i in ids)


def test_every_params_mutation_ends_in_one_outcome(baseline, tmp_path: Path):
    _check("params", runner.run_params(params_cases(baseline.params_dir), baseline, tmp_path))


def test_every_data_mutation_ends_in_one_outcome(baseline, tmp_path: Path):
    _check("data", runner.run_data(data_cases(), baseline, tmp_path))


def test_every_import_mutation_ends_in_one_outcome(baseline, tmp_path: Path):
    _check("imports", runner.run_imports(import_cases(), baseline, tmp_path))


def test_every_cli_mutation_ends_in_one_outcome(baseline):
    _check("cli", runner.run_cli(cli_cases(), baseline))
