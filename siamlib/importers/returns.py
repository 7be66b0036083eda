"""Supplier-submitted returns: improvement-register entries and survey results.

Suppliers fill in the templates in ``params/templates/`` (``improvements.csv``,
``surveys.csv``; CSV or Excel with the same header) and send them in. Each row is validated;
a row with any problem is rejected with *all* its problems in the reason (so a supplier can fix
the file in one pass), the others become rows of the ``improvements`` or ``surveys`` table.
Header names are matched ignoring case, surrounding spaces, and spaces vs underscores.

Dates are ``YYYY-MM-DD`` (or ``YYYY-MM-DD HH:MM``) in the estate's time zone; Excel date cells
are accepted as they are.

Into a dataset a return *merges* (:func:`merge_into`): for each supplier in the file, that
supplier's rows of the periods the file covers are replaced, and its improvements the file
resubmits wherever they were (a corrected raised date moves one). A return never changes
another supplier's rows: a row whose id the dataset holds for another supplier (any period,
with ``--supplier`` or without) is rejected, naming the id and that supplier, and replaces
nothing; so is a survey response whose id its own supplier has in a period the file does not
cover (:func:`return_clashes`). Of rows repeating an id in the file only the first can be used.
A rejected row replaces nothing and removes nothing: the rows already held for a (supplier,
period) it may belong to, and rows with its id, are kept unless a valid row has their id
(:func:`merge_return`), and the summary names them. Two header names equal under the matching
above (``score`` and ``Score``) are an error naming both.

Examples
--------
>>> import pandas as pd
>>> df = pd.DataFrame({"response_id": ["R1", "R2"], "supplier_id": ["euc", "euc"],
...     "period": ["2026-09", "2026-9"], "survey_type": ["satisfaction"] * 2,
...     "respondent": ["customer"] * 2, "score": ["4.5", "6"]})
>>> r = returns_to_model(df, "surveys")
>>> r.summary.rows_used, r.rejects["reason"].tolist()
(1, ['period: not YYYY-MM; score: not between 1 and 5'])
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from siamlib import paths, schema
from siamlib.importers.eventlog import _note_encoding, load_estate
from siamlib.importers.files import read_source
from siamlib.importers.mapping import FileFormat, check_timezone, display_path
from siamlib.importers.result import (
    ImporterError,
    ImportResult,
    ImportSummary,
    make_rejects,
    row_offsets,
)
from siamlib.importers.timestamps import parse_timestamps
from siamlib.importers.window import month_window
from siamlib.params import Estate
from siamlib.periods import PERIOD_RE

Kind = Literal["improvements", "surveys"]
KINDS = ("improvements", "surveys")
TEMPLATES_DIR = paths.PARAMS_DIR / "templates"
# Columns a supplier may leave out of the file entirely (all optional in the data model).
# Dates a return may hold (UTC); others are typing slips (0026-05-01, 2206-05-01).
PLAUSIBLE_DATES = (pd.Timestamp("2000-01-01", tz="UTC"), pd.Timestamp("2100-01-01", tz="UTC"))
OPTIONAL_COLUMNS = {
    "improvements": ("approved_at", "delivered_at", "estimated_benefit", "realised_benefit"),
    "surveys": (),
}


@dataclass
class ReturnResult(ImportResult):
    """A validated return: an :class:`ImportResult` that keeps each used row as it was read.

    Merging into a dataset (:func:`merge_into`) can still reject rows (an id that belongs to
    another supplier there); they go to the rejects with their source row and original cells.
    """

    # One row per row of the built table, in its order: source_row, reason (""), the cells.
    used_rows: pd.DataFrame | None = None
    estate_tz: str = "UTC"  # the zone whole months are taken in (the data window)
    # One row per rejected row: its id, supplier_id and period as far as they could be read
    # (NA when not: the row may be any supplier's / period's). See merge_return's rejected.
    rejected_keys: pd.DataFrame | None = None


def template_path(kind: Kind) -> Path:
    """The template file for ``kind``.

    >>> template_path("surveys").name
    'surveys.csv'
    """
    if kind not in KINDS:
        raise ValueError(f"unknown return kind {kind!r}; known: {', '.join(KINDS)}")
    return TEMPLATES_DIR / f"{kind}.csv"


def _norm(name: str) -> str:
    return "_".join(str(name).strip().lower().replace("-", " ").split())


def _refuse_duplicate_columns(columns: pd.Index, source: str) -> None:
    """Raise when two header names are one column once case, spaces and ``_`` are ignored.

    >>> _refuse_duplicate_columns(pd.Index(["score", "Score"]), "r.csv")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    siamlib.importers.result.ImporterError: r.csv: duplicate column names: 'score', 'Score' ...
    """
    names: dict[str, list[str]] = {}
    for c in columns:
        names.setdefault(_norm(c), []).append(str(c))
    dupes = [v for v in names.values() if len(v) > 1]
    if dupes:
        both = "; ".join(", ".join(map(repr, v)) for v in dupes)
        raise ImporterError(
            f"{source}: duplicate column names: {both} (header names match ignoring case, "
            "spaces and underscores, so these are the same column); keep one of them"
        )


class _Problems:
    """Collects per-row problems as text; a row is rejected when it has any."""

    def __init__(self, index: pd.Index):
        self.text = pd.Series("", index=index, dtype="str")

    def add(self, cond: pd.Series, message: str) -> None:
        cond = cond.fillna(False).astype(bool)
        prefix = self.text.where(self.text == "", self.text + "; ")
        self.text = self.text.mask(cond, prefix + message)

    @property
    def bad(self) -> pd.Series:
        return self.text.str.len() > 0


def _dates(s: pd.Series, tz: str, problems: _Problems, name: str) -> pd.Series:
    parsed = parse_timestamps(s, "%Y-%m-%d", tz)
    problems.add(parsed.bad, f"{name}: not a date YYYY-MM-DD")
    # A year-1 or year-9999 date parses but would stretch the dataset's window over centuries.
    odd = parsed.utc.notna() & ~parsed.utc.between(PLAUSIBLE_DATES[0], PLAUSIBLE_DATES[1])
    problems.add(odd, f"{name}: not between {PLAUSIBLE_DATES[0]:%Y} and {PLAUSIBLE_DATES[1]:%Y}")
    return parsed.utc.where(~odd)


def _numbers(s: pd.Series, problems: _Problems, name: str) -> pd.Series:
    num = pd.to_numeric(s, errors="coerce")
    problems.add(s.notna() & num.isna(), f"{name}: not a number")
    infinite = num.notna() & ~np.isfinite(num.astype("float64"))
    problems.add(infinite, f"{name}: not a finite number")
    return num.where(~infinite)


def returns_to_model(
    df: pd.DataFrame,
    kind: Kind,
    *,
    estate: Estate | None = None,
    supplier_id: str | None = None,
    tz: str | None = None,
    source: str = "(data frame)",
    first_row: int = 2,
) -> ReturnResult:
    """Validate a supplier return read as text and build its table (pure).

    Parameters
    ----------
    df : DataFrame
        The return, one row per entry, cells as text.
    kind : {"improvements", "surveys"}
        Which return it is.
    estate : Estate, optional
        Suppliers to check ids against; default: the project's ``params/estate.yaml``.
    supplier_id : str, optional
        The submitting supplier: rows for any other supplier are rejected. Without it each
        row speaks for the supplier it names.
    tz : str, optional
        Time zone of the dates; default: the estate's.
    source, first_row
        Name of the source and spreadsheet row number of ``df``'s first row (for rejects).
    """
    if kind not in KINDS:
        raise ImporterError(f"{source}: unknown return kind {kind!r}; known: {', '.join(KINDS)}")
    estate = estate if estate is not None else load_estate()
    try:
        tz = check_timezone(tz or estate.timezone)
    except ValueError as exc:
        raise ImporterError(f"{source}: time zone: {exc}") from None
    suppliers = {s.id for s in estate.suppliers}
    if supplier_id is not None and supplier_id not in suppliers:
        raise ImporterError(f"--supplier {supplier_id!r} is not a supplier in estate.yaml")
    if len(df) == 0:
        raise ImporterError(f"{source}: no data rows")
    table = schema.TABLES[kind]
    renamed = {c: _norm(c) for c in df.columns}
    _refuse_duplicate_columns(df.columns, source)
    offsets = row_offsets(df)  # blank rows left out of a file keep their row numbers
    raw = df.reset_index(drop=True)
    d = raw.rename(columns=renamed)
    needed = [c for c in table.column_names if c not in OPTIONAL_COLUMNS[kind]]
    absent = [c for c in needed if c not in d.columns]
    if absent:
        raise ImporterError(
            f"{source}: missing column(s) {', '.join(absent)} for a {kind} return (template: "
            f"{display_path(template_path(kind))}; the file has: {', '.join(map(str, df.columns))})"
        )
    t = pd.DataFrame(index=d.index)
    for col in table.column_names:
        s = d[col].astype("str").str.strip() if col in d.columns else None
        t[col] = s.mask(s == "") if s is not None else pd.Series(pd.NA, index=d.index, dtype="str")
    p = _Problems(d.index)
    key = table.key[0]
    for col in table.columns:
        if col.required:
            p.add(t[col.name].isna(), f"{col.name}: missing")
    p.add(t[key].duplicated(keep="first") & t[key].notna(), f"{key}: duplicate of an earlier row")
    p.add(
        t["supplier_id"].notna() & ~t["supplier_id"].isin(suppliers),
        "supplier_id: not a supplier in estate.yaml",
    )
    if supplier_id is not None:
        p.add(
            t["supplier_id"].notna() & t["supplier_id"].ne(supplier_id),
            f"supplier_id: not the submitting supplier {supplier_id!r}",
        )
    for col in table.columns:
        if col.values:
            p.add(
                t[col.name].notna() & ~t[col.name].isin(col.values),
                f"{col.name}: not one of {', '.join(col.values)}",
            )

    if kind == "improvements":
        raised = _dates(t["raised_at"], tz, p, "raised_at")
        approved = _dates(t["approved_at"], tz, p, "approved_at")
        delivered = _dates(t["delivered_at"], tz, p, "delivered_at")
        p.add(approved < raised, "approved_at: before raised_at")
        p.add(delivered < approved, "delivered_at: before approved_at")
        p.add(delivered < raised, "delivered_at: before raised_at")
        p.add(
            (t["status"] == "delivered") & delivered.isna(),
            "delivered_at: missing for status delivered",
        )
        p.add(t["status"].isin(["approved", "in_progress", "delivered"]) & approved.isna(),
              "approved_at: missing for an approved status")  # fmt: skip
        est = _numbers(t["estimated_benefit"], p, "estimated_benefit")
        real = _numbers(t["realised_benefit"], p, "realised_benefit")
        p.add(est < 0, "estimated_benefit: negative")
        p.add(real < 0, "realised_benefit: negative")
        t["raised_at"], t["approved_at"], t["delivered_at"] = raised, approved, delivered
        t["estimated_benefit"], t["realised_benefit"] = est, real
    else:
        p.add(t["period"].notna() & ~t["period"].str.match(PERIOD_RE.pattern).fillna(False),
              "period: not YYYY-MM")  # fmt: skip
        p.add(t["period"].str.match(PERIOD_RE.pattern).fillna(False)
              & ~t["period"].between("2000-01", "2099-12"),
              "period: not between 2000 and 2100")  # fmt: skip
        score = _numbers(t["score"], p, "score")
        p.add(score.notna() & ~score.between(1, 5), "score: not between 1 and 5")
        # A score above 5 says the rows beside it may be on another scale too (probe 8: a
        # 1-10 return of hosting's October satisfaction merged its 2s and 4s, read on 1-5,
        # and CSAT moved 3.56 to 3.78). None of that supplier's period and survey type is
        # used; the held rows stay (rejected rows replace nothing).
        group = t["supplier_id"].astype("str") + "|" + t["period"].astype("str") + "|"
        group += t["survey_type"].astype("str")
        over = score.gt(5).fillna(False)
        p.add(
            group.isin(group[over]) & ~over,
            "score: another score of this supplier, period and survey type is above 5 (a "
            "return on another scale?)",
        )
        t["score"] = score
        collab = t["survey_type"] == "collaboration"
        parties = suppliers | {"retained"}
        p.add(
            (t["survey_type"] == "satisfaction") & t["respondent"].notna()
            & t["respondent"].ne("customer"),
            "respondent: must be 'customer' for a satisfaction survey",
        )  # fmt: skip
        p.add(collab & t["respondent"].notna() & ~t["respondent"].isin(parties),
              "respondent: not 'retained' or a supplier id for a collaboration survey")  # fmt: skip
        p.add(collab & t["respondent"].eq(t["supplier_id"]), "respondent: rates itself")

    bad = p.bad
    if kind == "surveys":
        period = t["period"].where(
            t["period"].str.fullmatch(PERIOD_RE.pattern).fillna(False)
            & t["period"].between("2000-01", "2099-12")
        )
    else:
        period = t["raised_at"].dt.tz_convert(tz).dt.strftime("%Y-%m")
    rejected_keys = _keys(
        t[key][bad], t["supplier_id"].where(t["supplier_id"].isin(suppliers))[bad], period[bad]
    )
    good = t[~bad].reset_index(drop=True)
    built = schema.coerce(kind, good)
    pos = np.flatnonzero(bad.to_numpy())
    rejects = make_rejects(raw, pos, p.text.to_numpy()[pos], first_row, offsets)
    used = np.flatnonzero(~bad.to_numpy())
    used_rows = make_rejects(raw, used, [""] * len(used), first_row, offsets)
    window = _window(built, kind, tz, estate.timezone)
    reasons = p.text[bad].value_counts()
    summary = ImportSummary(
        source=source,
        kind=kind,
        rows_read=len(df),
        rows_used=len(built),
        rows_collapsed=0,
        rows_rejected=int(bad.sum()),
        rejected_by_reason={str(k): int(v) for k, v in reasons.items()},
        built={kind: len(built)},
        window=(window[0].isoformat(), window[1].isoformat()) if window else None,
    )
    summary.check()
    return ReturnResult(
        tables={kind: built},
        rejects=rejects,
        summary=summary,
        window=window,
        meta={"return_kind": kind, "submitted_by": supplier_id, "timezone": tz},
        used_rows=used_rows,
        estate_tz=estate.timezone,
        rejected_keys=rejected_keys,
    )


def _keys(ids, sids, periods) -> pd.DataFrame:
    """The frame of what rejected rows may reach: id, supplier_id, period (NA: unknown)."""
    cols = {"id": ids, "supplier_id": sids, "period": periods}
    return pd.DataFrame(
        {k: pd.Series(np.asarray(v, dtype=object), dtype="str") for k, v in cols.items()}
    )


def _window(
    built: pd.DataFrame, kind: Kind, tz: str, estate_tz: str
) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The whole months (``estate_tz``) a return's rows fall in; None without a row."""
    if kind == "improvements":
        stamps = pd.concat([built[c] for c in ("raised_at", "approved_at", "delivered_at")])
    else:
        stamps = pd.to_datetime(built["period"] + "-01").dt.tz_localize(tz)
    stamps = stamps.dropna()
    return month_window(stamps.min(), stamps.max(), estate_tz) if len(stamps) else None


def import_returns(
    path: Path | str,
    kind: Kind,
    *,
    supplier_id: str | None = None,
    tz: str | None = None,
    params_root: Path | str | None = None,
    fmt: FileFormat | None = None,
) -> ReturnResult:
    """Read a supplier return (CSV or Excel, header as in the template) and validate it.

    Examples
    --------
    >>> r = import_returns(template_path("improvements"), "improvements")
    >>> r.summary.rows_rejected, r.summary.built
    (0, {'improvements': 2})
    """
    src = read_source(path, fmt or FileFormat())
    result = returns_to_model(
        src.frame,
        kind,
        estate=load_estate(params_root),
        supplier_id=supplier_id,
        tz=tz,
        source=display_path(path),
        first_row=src.first_row,
    )
    _note_encoding(result, src.encoding, (fmt or FileFormat()).encoding)
    return result


def return_periods(table: pd.DataFrame, kind: Kind, tz: str) -> pd.Series:
    """The period (``YYYY-MM``) each row of a return belongs to.

    A survey row names its period; an improvement belongs to the month it was raised, in the
    estate's time zone.

    >>> t = pd.DataFrame({"raised_at": pd.to_datetime(["2026-05-31 23:30"], utc=True)})
    >>> return_periods(t, "improvements", "Europe/London").tolist()
    ['2026-06']
    """
    if kind == "surveys":
        return table["period"].astype("str")
    raised = pd.to_datetime(table["raised_at"], utc=True).dt.tz_convert(tz)
    return raised.dt.strftime("%Y-%m").astype("str")


def merge_return(
    old: pd.DataFrame,
    new: pd.DataFrame,
    kind: Kind,
    tz: str,
    rejected: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, list[dict]]:
    """Merge a return's rows into the rows a dataset already holds (pure).

    The new rows replace, for each supplier in ``new``, that supplier's old rows of the
    periods ``new`` covers; every other supplier's and period's rows are kept. An old row of
    the *same* supplier with the id of a new row is replaced as well, whatever its period (an
    improvement resubmitted with a corrected raised date), so ids stay unique. Another
    supplier's row is never removed: a new row with the id of another supplier's old row is
    refused (``ValueError``); :func:`merge_into` rejects such rows (:func:`return_clashes`)
    before it merges.

    ``rejected`` (columns ``id``, ``supplier_id``, ``period``; NA where a rejected row's value
    could not be read, so it may be any) are the return's rejected rows. A rejected row
    replaces nothing, and the row it was meant to be may be any old row of its supplier and
    period: in a covered (supplier, period) that a rejected row may belong to, and for an old
    row with a rejected row's id, an old row is kept unless a new row has its id. So a return
    with rejected rows never shrinks a period: it can only add rows and replace them by id.

    Returns the merged table and what was replaced: one dict per supplier with the table,
    ``supplier_id``, ``periods``, ``rows_removed`` and ``rows_added``, and ``rows_kept`` (old
    rows left in place because of rejected rows) when there are any.

    Examples
    --------
    >>> old = pd.DataFrame({"response_id": ["a1", "a2", "b1"], "supplier_id": ["a", "a", "b"],
    ...                     "period": ["2026-08", "2026-09", "2026-09"]})
    >>> new = pd.DataFrame({"response_id": ["a3"], "supplier_id": ["a"], "period": ["2026-09"]})
    >>> merged, replaced = merge_return(old, new, "surveys", "UTC")
    >>> merged["response_id"].tolist()
    ['a1', 'b1', 'a3']
    >>> [(r["supplier_id"], r["periods"], r["rows_removed"], r["rows_added"]) for r in replaced]
    [('a', ['2026-09'], 1, 1)]
    >>> rejected = pd.DataFrame({"id": ["a9"], "supplier_id": ["a"], "period": [None]})
    >>> merged, replaced = merge_return(old, new, "surveys", "UTC", rejected)
    >>> merged["response_id"].tolist(), replaced[0]["rows_removed"], replaced[0]["rows_kept"]
    (['a1', 'a2', 'b1', 'a3'], 0, 1)
    """
    merged, replaced, _ = _merge(old, new, kind, tz, rejected)
    return merged, replaced


def _reached(sids: pd.Series, periods: pd.Series, rejected: pd.DataFrame) -> np.ndarray:
    """Which (supplier, period) pairs a rejected row may belong to (NA in ``rejected``: any).

    >>> rej = pd.DataFrame({"supplier_id": ["a", None], "period": [None, "2026-10"]})
    >>> _reached(pd.Series(["a", "b", "b"]), pd.Series(["2026-01", "2026-10", "2026-09"]),
    ...          rej).tolist()
    [True, True, False]
    """
    r_sid, r_p = rejected["supplier_id"], rejected["period"]
    sids, periods = sids.reset_index(drop=True), periods.reset_index(drop=True)
    if (r_sid.isna() & r_p.isna()).any():
        return np.ones(len(sids), dtype=bool)
    both = r_sid.notna() & r_p.notna()
    exact = pd.MultiIndex.from_arrays([r_sid[both].astype("str"), r_p[both].astype("str")])
    out = pd.MultiIndex.from_arrays([sids.astype("str"), periods.astype("str")]).isin(exact)
    out |= sids.isin(set(r_sid[r_p.isna()])).to_numpy()
    out |= periods.isin(set(r_p[r_sid.isna()])).to_numpy()
    return np.asarray(out, dtype=bool)


def _merge(
    old: pd.DataFrame,
    new: pd.DataFrame,
    kind: Kind,
    tz: str,
    rejected: pd.DataFrame | None,
) -> tuple[pd.DataFrame, list[dict], pd.DataFrame]:
    """:func:`merge_return`, and the old rows kept because of ``rejected``."""
    key = schema.TABLES[kind].key[0]
    new_sid = new["supplier_id"].astype("str")
    new_pairs = pd.DataFrame({"supplier_id": new_sid, "p": return_periods(new, kind, tz)})
    old_pairs = pd.DataFrame(
        {"supplier_id": old["supplier_id"].astype("str"), "p": return_periods(old, kind, tz)}
    )
    covered = pd.MultiIndex.from_frame(new_pairs.drop_duplicates())
    hit = pd.MultiIndex.from_frame(old_pairs).isin(covered)
    old_ids = pd.MultiIndex.from_arrays([old[key].astype("str"), old_pairs["supplier_id"]])
    same_id = old_ids.isin(pd.MultiIndex.from_arrays([new[key].astype("str"), new_sid]))
    taken = old[key].isin(new[key]).to_numpy() & ~same_id
    if taken.any():
        ids = sorted(set(old.loc[taken, key].astype("str")))
        raise ValueError(
            f"{key} {', '.join(ids[:5])}{' ...' if len(ids) > 5 else ''}: another supplier's "
            "in the dataset; reject those rows first (return_clashes)"
        )
    keep = np.zeros(len(old), dtype=bool)
    if rejected is not None and len(rejected):
        ids = set(rejected["id"].dropna().astype("str"))
        reached = _reached(old_pairs["supplier_id"], old_pairs["p"], rejected)
        keep = hit & ~same_id & (reached | old[key].astype("str").isin(ids).to_numpy())
    hit = (hit & ~keep) | same_id
    removed = old_pairs[hit]
    replaced = []
    for sid in sorted(set(new_pairs["supplier_id"]) | set(removed["supplier_id"])):
        periods = sorted(
            set(new_pairs.loc[new_pairs["supplier_id"] == sid, "p"])
            | set(removed.loc[removed["supplier_id"] == sid, "p"])
        )
        entry = {
            "table": kind,
            "supplier_id": sid,
            "periods": periods,
            "rows_removed": int((removed["supplier_id"] == sid).sum()),
            "rows_added": int((new_pairs["supplier_id"] == sid).sum()),
        }
        n_kept = int((old_pairs["supplier_id"][keep] == sid).sum())
        if n_kept:
            entry["rows_kept"] = n_kept
        replaced.append(entry)
    kept = old[~hit]
    merged = pd.concat([kept, new], ignore_index=True) if len(kept) else new.reset_index(drop=True)
    protected = pd.DataFrame(
        {
            "id": old[key][keep].astype("str").to_numpy(),
            "supplier_id": old_pairs["supplier_id"][keep].to_numpy(),
            "period": old_pairs["p"][keep].to_numpy(),
        }
    )
    return merged, replaced, protected


def return_clashes(old: pd.DataFrame, new: pd.DataFrame, kind: Kind, tz: str) -> pd.DataFrame:
    """The rows of a return that must not merge into a dataset's rows ``old``, and why (pure).

    - A row whose id belongs in ``old`` to another supplier, in any period: the id is taken,
      and a return never changes another supplier's rows (with ``--supplier`` or without).
    - Surveys: a row whose id its own supplier already has in a period the return does not
      cover (once the rows above are left out). A response belongs to one period; moving it
      would change a month the return does not speak for, and more likely the id is reused.
      To move a response, resubmit both periods. An improvement does move: its month is the
      one it was raised in, and a resubmission may correct that date.

    Returns a frame on ``new``'s index with ``reason`` (for the rejects: the id, the supplier
    holding it and its period; NA for a row that merges) and ``count_as`` (the reason without
    the id, as the summary counts it).

    >>> old = pd.DataFrame({"response_id": ["a1", "b1"], "supplier_id": ["a", "b"],
    ...                     "period": ["2026-08", "2026-09"]})
    >>> new = pd.DataFrame({"response_id": ["b1", "a1", "a2"], "supplier_id": ["a"] * 3,
    ...                     "period": ["2026-09"] * 3})
    >>> for why in return_clashes(old, new, "surveys", "UTC")["reason"].fillna("-"):
    ...     print(why)
    response_id: b1 already in the dataset for supplier 'b' (2026-09)
    response_id: a1 already in the dataset for 'a' in 2026-08, a period this return does not cover
    -
    """
    key = schema.TABLES[kind].key[0]
    reason = np.full(len(new), None, dtype=object)
    count_as = reason.copy()
    if len(old) and len(new):
        rows = pd.DataFrame(
            {
                "id": new[key].astype("str").to_numpy(),
                "sid": new["supplier_id"].astype("str").to_numpy(),
                "p": return_periods(new, kind, tz).to_numpy(),
                "pos": np.arange(len(new)),
            }
        )
        owners = pd.DataFrame(
            {
                "id": old[key].astype("str").to_numpy(),
                "owner": old["supplier_id"].astype("str").to_numpy(),
                "p_old": return_periods(old, kind, tz).to_numpy(),
            }
        )
        both = rows.merge(owners, on="id", how="inner")
        theirs = both[both["owner"] != both["sid"]].drop_duplicates("pos")
        at = theirs["pos"].to_numpy()
        reason[at] = (
            f"{key}: " + theirs["id"] + " already in the dataset for supplier '"
            + theirs["owner"] + "' (" + theirs["p_old"] + ")"
        ).to_numpy()  # fmt: skip
        count_as[at] = (
            f"{key}: already in the dataset for supplier '" + theirs["owner"] + "'"
        ).to_numpy()
        mine = both[both["owner"] == both["sid"]]
        while kind == "surveys":
            ok = pd.isna(reason)
            live = rows[ok]
            covered = pd.MultiIndex.from_arrays([live["sid"], live["p"]])
            outside = ~pd.MultiIndex.from_arrays([mine["owner"], mine["p_old"]]).isin(covered)
            moved = mine[ok[mine["pos"].to_numpy()] & outside].drop_duplicates("pos")
            if moved.empty:
                break
            at = moved["pos"].to_numpy()
            reason[at] = (
                f"{key}: " + moved["id"] + " already in the dataset for '" + moved["sid"]
                + "' in " + moved["p_old"] + ", a period this return does not cover"
            ).to_numpy()  # fmt: skip
            count_as[at] = f"{key}: already in the dataset in a period this return does not cover"
    return pd.DataFrame(
        {"reason": pd.Series(reason, dtype="str"), "count_as": pd.Series(count_as, dtype="str")}
    ).set_axis(new.index)


def merge_into(result: ImportResult, old: pd.DataFrame) -> pd.DataFrame | None:
    """Merge a validated return into a dataset's rows ``old``, rejecting the rows that clash.

    The rows :func:`return_clashes` names leave the built table for ``result.rejects``
    (source row, reason, the cells as read), and the summary's counts, ``built`` and window
    and ``result.window`` follow; the other rows merge by :func:`merge_return` and
    ``summary.replaced`` says what they replaced. A rejected row (here or by
    :func:`returns_to_model`) covers no period, so it replaces nothing: the old rows it may
    have been meant to replace are kept (see ``rejected`` in :func:`merge_return`), counted
    as ``rows_kept_for_rejects`` and named in a note of the summary. ``result`` is updated in
    place.

    Returns the merged table, or None when no row is left: the dataset is then kept as it is
    and only the rejects are written, as for a return with no usable row.
    """
    if not isinstance(result, ReturnResult) or result.used_rows is None:
        raise TypeError("merge_into takes the result of returns_to_model or import_returns")
    s = result.summary
    kind = s.kind
    tz = result.meta.get("timezone") or "UTC"
    new = result.tables[kind]
    why = return_clashes(old, new, kind, tz)
    bad = why["reason"].notna().to_numpy()
    key = schema.TABLES[kind].key[0]
    reach = [result.rejected_keys] if result.rejected_keys is not None else []
    if bad.any():
        clashed = new[bad]
        reach.append(_keys(clashed[key], clashed["supplier_id"], return_periods(clashed, kind, tz)))
        rejected = result.used_rows[bad].assign(reason=why["reason"].to_numpy()[bad])
        parts = [r for r in (result.rejects, rejected) if len(r)]
        result.rejects = pd.concat(parts, ignore_index=True).sort_values(
            "source_row", kind="stable", ignore_index=True
        )
        new = new[~bad].reset_index(drop=True)
        result.tables[kind] = new
        result.used_rows = result.used_rows[~bad].reset_index(drop=True)
        s.rows_used -= int(bad.sum())
        s.rows_rejected += int(bad.sum())
        for reason, n in why["count_as"][bad].value_counts().items():
            s.rejected_by_reason[str(reason)] = s.rejected_by_reason.get(str(reason), 0) + int(n)
        s.built[kind] = len(new)
        result.window = _window(new, kind, tz, result.estate_tz)
        s.window = tuple(w.isoformat() for w in result.window) if result.window else None
        s.check()
    if len(new) == 0:
        return None
    reach = [r for r in reach if len(r)]
    merged, s.replaced, protected = _merge(
        old, new, kind, tz, pd.concat(reach, ignore_index=True) if reach else None
    )
    if len(protected):
        s.counts["rows_kept_for_rejects"] = len(protected)
        for sid, rows in protected.groupby("supplier_id", sort=True):
            ids = sorted(rows["id"])
            more = f" and {len(ids) - 10} more" if len(ids) > 10 else ""
            s.notes.append(
                f"kept {len(ids)} {kind} row(s) of {sid} for "
                f"{', '.join(sorted(set(rows['period'])))} that this return would have "
                f"replaced, as it has rejected rows that may be them (a rejected row replaces "
                f"nothing): {', '.join(ids[:10])}{more}. Fix the rejects and send the return "
                "again to replace them"
            )
    return merged
