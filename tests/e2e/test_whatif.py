"""Contract what-if and dispute re-issue on the session's demo computation (no new batch)."""

from __future__ import annotations

import json
import shutil

import pytest

from siamlib import batch, compare, figures, paths, reissue, workbook
from siamlib.common import FIGURES_NAME
from siamlib.params import load_params
from tests.e2e.helpers import PERIOD

pytestmark = [pytest.mark.e2e]


def test_example_draft_changes_only_hostings_credits(work, params):
    # params/drafts/example lowers hosting's P2-RES-2026H2 minimum (88 -> 60): re-scored
    # from the same measure values, only hosting's credits may move.
    draft = load_params(paths.PARAMS_DIR / "drafts" / "example")
    assert compare.change_scope(params, draft) == "scoring"
    cur = compare.rescore(work.values, params, PERIOD, 4, notes=work.notes, work=work)
    new = compare.rescore(work.values, draft, PERIOD, 4, notes=work.notes, work=work)
    levels, summary, totals = compare.compare(cur, new)
    moved = summary[summary["credits_diff"] != 0]
    assert set(moved["supplier_id"]) <= {"hosting"}
    changed = levels[levels["rag_changed"]]
    assert set(changed["supplier_id"]) <= {"hosting"}
    assert set(changed["service_level_draft"]) <= {"P2-RES-2026H2"}
    # Each month that level turns from red to amber, hosting stops paying its pool share,
    # 20% x at-risk 28,800 = 5,760 (no cap reached in the demo months), unless the current
    # params already waived it (one cause, one credit): a waived line was never paid.
    red_to_amber = changed[(changed["rag_current"] == "red") & (changed["rag_draft"] == "amber")]
    ledger = cur.ledgers
    p2 = ledger[(ledger["supplier_id"] == "hosting") & (ledger["service_level"] == "P2-RES-2026H2")]
    charged = set(p2.loc[p2["line"] == "credit", "period"])
    paid = red_to_amber[red_to_amber["period"].isin(charged)]
    hosting = totals[totals["supplier_id"] == "hosting"].iloc[0]
    assert hosting["credits_diff"] == pytest.approx(-5760.0 * len(paid))
    # The demo's October P2 misses come from the email outage: waived under the current params.
    assert set(p2.loc[p2["period"] == PERIOD, "line"]) == {"waived"}
    # The current params' last month is the pack's: same credits as the computation.
    last = summary[summary["period"] == PERIOD].set_index("supplier_id")["credits_current"]
    assert last.to_dict() == {
        s: round(float(lg["amount"].sum()), 2) for s, lg in work.ledgers.items()
    }


def test_upheld_dispute_reissues_exactly_the_changed_figures(work, tmp_path):
    # A breached P2 hosting ticket resolved in the period, disputed and upheld.
    start, end = work.bounds
    c = work.clocks
    pick = c[
        (c["supplier_id"] == "hosting")
        & (c["priority"] == 2)
        & c["resolution_breached"].fillna(False).astype(bool)
        & c["resolved_at"].ge(start)
        & c["resolved_at"].lt(end)
        & ~c["ticket_id"].isin(work.excluded["ticket_id"])
    ]["ticket_id"]
    assert not pick.empty
    ticket = pick.iloc[0]
    root = tmp_path / "params"
    shutil.copytree(paths.PARAMS_DIR, root, ignore=shutil.ignore_patterns("drafts"))
    (root / "disputes.yaml").write_text(
        "disputes:\n"
        f"  - {{id: D-1, ticket_id: {ticket}, raised_by: Summit Hosting, reason: Site closed,"
        " status: upheld, decided_on: 2026-11-12, decided_by: J. Okafor}\n",
        encoding="utf-8",
    )
    disputed = load_params(root)
    again = workbook.compute_period(
        None, disputed, PERIOD, validate=False, tables=work.tables, info=work.info
    )
    old_text = figures.to_csv_text(figures.figures_frame(work))
    new_text = figures.to_csv_text(figures.figures_frame(again))
    previous = tmp_path / "reports" / ".runs" / f"{PERIOD}-20261103T091500Z-abc123"
    previous.mkdir(parents=True)
    (previous / FIGURES_NAME).write_text(old_text, encoding="utf-8")
    (previous / "manifest.json").write_text(json.dumps({"run_id": previous.name[8:]}))
    result = batch.RunResult(period=PERIOD, run_id="new", folder="x")
    changes = batch._reissue(previous, new_text, result)
    assert result.supersedes["date"] == "2026-11-03"
    assert result.supersedes["changed_figures"] == len(changes) > 0
    # Only hosting's figures, the integrator's estate-wide ones and the board's totals change;
    # hosting's P2 resolution level loses one breached ticket: denominator - 1, numerator
    # (met) unchanged.
    assert "hosting" in set(changes["supplier_id"])
    assert set(changes["supplier_id"]) <= {"hosting", "integrator", "board-summary"}
    p2 = changes[
        (changes["scope"] == "priority=2") & (changes["measure"] == "sla_resolution_attainment")
    ]
    den = p2[p2["field"] == "denominator"].iloc[0]
    assert den["difference"] == -1.0
    assert "numerator" not in set(p2["field"])
    # Exactly the rows whose figures differ: every changed (supplier, measure, scope) level
    # differs between the two files, and no other level does.
    a = reissue.read_figures_text(old_text)
    b = reissue.read_figures_text(new_text)
    key = ["supplier_id", "measure", "scope"]
    lv = a[a["kind"] == "level"].merge(b[b["kind"] == "level"], on=key, suffixes=("_a", "_b"))
    cols = ["actual", "numerator", "denominator", "points", "rag"]
    before = lv[[f"{c}_a" for c in cols]].to_numpy()
    after = lv[[f"{c}_b" for c in cols]].to_numpy()
    differ = lv[(before != after).any(axis=1)]
    listed = changes[changes["kind"] == "level"][key].drop_duplicates()
    assert sorted(map(tuple, listed.values)) == sorted(map(tuple, differ[key].values))
    bundle = batch._with_changes(again.bundle("hosting"), changes, result.supersedes)
    assert bundle["meta"]["reissue"]["date"] == "2026-11-03"
    assert len(bundle["frames"]["changes"]) == int((changes["supplier_id"] == "hosting").sum())


@pytest.mark.slow
def test_whatif_notebook_runs_with_its_defaults(demo_data, tmp_path):
    # The analyst path: defaults (example draft, 12 months to 2026-10), only data_dir given.
    import nbformat

    from tests.e2e.helpers import execute_notebook_json

    notebook = str(paths.NOTEBOOKS_DIR / "contract_whatif.ipynb")
    nb = nbformat.reads(
        execute_notebook_json(notebook, {"data_dir": str(demo_data)}, str(tmp_path)), 4
    )
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [o for c in code for o in c.outputs if o.output_type == "error"] == []
    html = "".join(o.get("data", {}).get("text/html", "") for c in code for o in c.outputs)
    assert "Credits, draft" in html and "Contract what-if to 2026-10" in html
