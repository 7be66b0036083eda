"""Evidence: per-supplier filtering and CSV/XLSX export (atomic, injection-safe, ISO UTC)."""

from __future__ import annotations

import csv
import datetime as dt
import re
import tempfile
from decimal import Decimal

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from siamlib.evidence import evidence_frames, prepare, write_evidence

BREACHES = pd.DataFrame(
    {
        "ticket_id": ["INC1", "INC2", "INC3"],
        "supplier_id": ["euc", "hosting", "euc"],
        "priority": [1, 2, 3],
        "resolved_at": pd.to_datetime(
            ["2026-03-29T00:30:00Z", "2026-03-30T10:00:00Z", None], utc=True
        ),
    }
)
LEDGER = pd.DataFrame(
    {"supplier_id": ["euc", "hosting"], "amount": [8640.0, -500.0], "line": ["credit", "reward"]}
)


# ------------------------------------------------------------------------------- filtering ----
def test_evidence_is_filtered_to_the_supplier_only():
    mine = evidence_frames({"breaching_tickets": BREACHES, "credit_ledger": LEDGER}, "euc")
    assert list(mine) == ["breaching_tickets", "credit_ledger"]
    assert mine["breaching_tickets"]["ticket_id"].tolist() == ["INC1", "INC3"]
    assert mine["credit_ledger"]["amount"].tolist() == [8640.0]
    assert all((f["supplier_id"] == "euc").all() for f in mine.values())
    assert mine["breaching_tickets"].index.tolist() == [0, 1]


def test_supplier_with_no_rows_gets_empty_frames_with_columns():
    mine = evidence_frames({"breaching_tickets": BREACHES}, "network")
    assert mine["breaching_tickets"].empty
    assert list(mine["breaching_tickets"].columns) == list(BREACHES.columns)


def test_frame_without_a_supplier_column_is_refused_rather_than_leaked():
    frames = {"aged_tickets": pd.DataFrame({"ticket_id": ["INC1"]})}
    with pytest.raises(ValueError, match="no 'supplier_id' column"):
        evidence_frames(frames, "euc")


def test_other_filter_column_or_none_can_be_chosen_per_frame():
    pingpong = pd.DataFrame({"ticket_id": ["A", "B"], "resolver": ["euc", "network"]})
    aged = pd.DataFrame({"ticket_id": ["X", "Y"], "supplier_id": ["euc", "hosting"]})
    mine = evidence_frames(
        {"ping_pong_tickets": pingpong, "aged_tickets": aged},
        "network",
        by={"ping_pong_tickets": "resolver", "aged_tickets": None},
    )
    assert mine["ping_pong_tickets"]["ticket_id"].tolist() == ["B"]
    assert mine["aged_tickets"]["ticket_id"].tolist() == ["X", "Y"]


def test_frame_names_must_be_safe_file_names():
    with pytest.raises(ValueError, match="evidence frame name"):
        evidence_frames({"../etc": LEDGER}, "euc")


# ------------------------------------------------------------------------------- injection ----
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not XML 1.0


def _excel_text(value):
    """A cell's text as Excel shows it: openpyxl leaves the ``_xHHHH_`` escapes undone."""
    if not isinstance(value, str):
        return value
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), value)


NASTY = pd.DataFrame(
    {
        "supplier_id": ["euc"] * 8,
        "note": [
            '=HYPERLINK("http://x","y")',
            "+1+1",
            "-2+3",
            "@SUM(A1:A2)",
            "\t=1",
            "\r=1",
            "plain text",
            "a = b",
        ],
        "count": [-1, 2, 3, 4, 5, 6, 7, 8],
    }
)
SAFE_NOTES = [
    '\'=HYPERLINK("http://x","y")',
    "'+1+1",
    "'-2+3",
    "'@SUM(A1:A2)",
    "'\t=1",
    "'\r=1",
    "plain text",  # untouched
    "a = b",  # only the first character matters
]


def test_prepare_neutralises_formula_text_and_leaves_numbers():
    out = prepare(NASTY)
    assert out["note"].tolist() == SAFE_NOTES
    assert out["count"].tolist() == NASTY["count"].tolist()  # -1 is a number, not text


def test_object_columns_and_headers_are_neutralised_too():
    df = pd.DataFrame({"=cmd": pd.Series(["-x", 3, None], dtype="object")})
    out = prepare(df)
    assert out.columns.tolist() == ["'=cmd"]
    assert out["'=cmd"].tolist()[:2] == ["'-x", 3]


def test_csv_and_xlsx_carry_no_live_formulas(tmp_path):
    paths = write_evidence({"breaching_tickets": NASTY}, tmp_path, "euc-2026-03")
    csv_path, xlsx_path = paths
    with csv_path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["note"] for r in rows] == SAFE_NOTES
    ws = openpyxl.load_workbook(xlsx_path)["breaching_tickets"]
    cells = [ws.cell(row=i, column=2) for i in range(2, 10)]
    assert [_excel_text(c.value) for c in cells] == SAFE_NOTES
    assert {c.data_type for c in cells} == {"s"}  # strings, never "f" (formula)
    assert ws.cell(row=2, column=3).value == -1


# ------------------------------------------------------------------------------ writing ----
def test_write_evidence_writes_a_csv_per_frame_and_one_workbook(tmp_path):
    frames = evidence_frames({"breaching_tickets": BREACHES, "credit_ledger": LEDGER}, "euc")
    paths = write_evidence(frames, tmp_path, "euc-2026-03")
    assert [p.name for p in paths] == [
        "euc-2026-03-breaching_tickets.csv",
        "euc-2026-03-credit_ledger.csv",
        "euc-2026-03.xlsx",
    ]
    # atomic writes leave no temporary files behind
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in paths)
    wb = openpyxl.load_workbook(paths[-1])
    assert wb.sheetnames == ["contents", "breaching_tickets", "credit_ledger"]
    contents = [[c.value for c in row] for row in wb["contents"].iter_rows(min_row=2)]
    assert [r[:3] for r in contents] == [
        ["breaching_tickets", "breaching_tickets", 2],
        ["credit_ledger", "credit_ledger", 1],
    ]


def test_csv_timestamps_are_iso_8601_utc_and_xlsx_has_local_date_cells(tmp_path):
    london = pd.DataFrame(
        {
            "supplier_id": ["euc", "euc"],
            # 02:30 BST on 29 March 2026 is 01:30 UTC; 12:00 GMT on 1 March is 12:00 UTC
            "at": pd.to_datetime(["2026-03-29T02:30:00", "2026-03-01T12:00:00"])
            .tz_localize("Europe/London")
            .as_unit("us"),
            "approved_on": [dt.date(2026, 3, 10), None],
        }
    )
    london.loc[1, "approved_on"] = None
    csv_path, xlsx_path = write_evidence({"excluded_tickets": london}, tmp_path, "b")
    lines = csv_path.read_text(encoding="utf-8-sig").splitlines()
    assert lines == [
        "supplier_id,at,approved_on",
        "euc,2026-03-29T01:30:00Z,2026-03-10",
        "euc,2026-03-01T12:00:00Z,",
    ]
    ws = openpyxl.load_workbook(xlsx_path)["excluded_tickets"]
    # the workbook shows London wall-clock time, as real date cells
    assert ws["B2"].value == dt.datetime(2026, 3, 29, 2, 30)
    assert ws["B3"].value == dt.datetime(2026, 3, 1, 12, 0)
    assert ws["B2"].number_format == "yyyy-mm-dd hh:mm:ss"
    assert (ws["C2"].value, ws["C2"].number_format) == (dt.datetime(2026, 3, 10), "yyyy-mm-dd")
    assert ws["C3"].value is None


def test_missing_timestamps_stay_empty_and_fractions_are_kept(tmp_path):
    df = pd.DataFrame(
        {
            "supplier_id": ["euc", "euc"],
            "at": pd.to_datetime(["2026-03-01T10:00:00.250Z", None], utc=True),
        }
    )
    (csv_path, _) = write_evidence({"aged_tickets": df}, tmp_path, "c")
    assert csv_path.read_text(encoding="utf-8-sig").splitlines()[1:] == [
        "euc,2026-03-01T10:00:00.250000Z",
        "euc,",
    ]


def test_control_characters_are_dropped_from_the_workbook_only(tmp_path):
    df = pd.DataFrame({"supplier_id": ["euc", "euc"], "note": ["bell\x07here", "non\uffffchar"]})
    csv_path, xlsx_path = write_evidence({"aged_tickets": df}, tmp_path, "d")
    assert "bell\x07here" in csv_path.read_text(encoding="utf-8")
    ws = openpyxl.load_workbook(xlsx_path)["aged_tickets"]
    assert (ws["B2"].value, ws["B3"].value) == ("bellhere", "nonchar")


def test_long_frame_names_get_unique_31_character_sheet_names(tmp_path):
    a = "a_very_long_evidence_frame_name_number_one"
    b = "a_very_long_evidence_frame_name_number_two"
    paths = write_evidence({a: LEDGER, b: LEDGER}, tmp_path, "e")
    names = openpyxl.load_workbook(paths[-1]).sheetnames
    assert names[1] == a[:31] and len(names[2]) <= 31 and names[1] != names[2]


def test_no_frames_still_gives_a_workbook_with_contents(tmp_path):
    paths = write_evidence({}, tmp_path, "empty")
    assert [p.name for p in paths] == ["empty.xlsx"]
    assert openpyxl.load_workbook(paths[0]).sheetnames == ["contents"]


def test_basename_cannot_escape_the_folder(tmp_path):
    with pytest.raises(ValueError, match="basename"):
        write_evidence({"credit_ledger": LEDGER}, tmp_path, "../x")
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------------- sheet row limit ----
def _sheet_rows(ws) -> list[list]:
    return [[c.value for c in row] for row in ws.iter_rows()]


def test_a_frame_longer_than_a_sheet_is_split_and_each_part_described(tmp_path):
    # max_rows=3: a header plus 2 data rows per sheet, so 5 rows need ceil(5 / 2) = 3 sheets
    df = pd.DataFrame({"supplier_id": ["euc"] * 5, "n": [1, 2, 3, 4, 5]})
    paths = write_evidence({"aged_tickets": df, "credit_ledger": LEDGER}, tmp_path, "s", max_rows=3)
    wb = openpyxl.load_workbook(paths[-1])
    assert wb.sheetnames == [
        "contents",
        "aged_tickets",
        "aged_tickets-part2",
        "aged_tickets-part3",
        "credit_ledger",
    ]
    assert _sheet_rows(wb["aged_tickets"]) == [["supplier_id", "n"], ["euc", 1], ["euc", 2]]
    assert _sheet_rows(wb["aged_tickets-part2"]) == [["supplier_id", "n"], ["euc", 3], ["euc", 4]]
    assert _sheet_rows(wb["aged_tickets-part3"]) == [["supplier_id", "n"], ["euc", 5]]
    contents = _sheet_rows(wb["contents"])
    assert contents[0] == ["sheet", "frame", "rows", "holds"]
    assert [r[:3] for r in contents[1:]] == [
        ["aged_tickets", "aged_tickets", 2],
        ["aged_tickets-part2", "aged_tickets", 2],
        ["aged_tickets-part3", "aged_tickets", 1],
        ["credit_ledger", "credit_ledger", 2],  # fits: not split, no part note
    ]
    assert "Part 2 of 3: rows 3 to 4 of 5" in contents[2][3]
    assert "the CSV file has every row" in contents[2][3]
    assert contents[4][3] == "Service-credit ledger: one explained line per missed service level."
    # the CSV is never split
    assert len(paths[0].read_text(encoding="utf-8-sig").splitlines()) == 1 + 5


def test_a_frame_that_exactly_fills_a_sheet_is_not_split(tmp_path):
    df = pd.DataFrame({"supplier_id": ["euc", "euc"]})  # header + 2 rows = max_rows 3
    paths = write_evidence({"aged_tickets": df}, tmp_path, "f", max_rows=3)
    assert openpyxl.load_workbook(paths[-1]).sheetnames == ["contents", "aged_tickets"]


def test_split_sheet_names_stay_within_31_characters_and_unique(tmp_path):
    name = "a_very_long_evidence_frame_name_number_one"
    df = pd.DataFrame({"n": range(3)})
    paths = write_evidence({name: df}, tmp_path, "g", max_rows=2)
    names = openpyxl.load_workbook(paths[-1]).sheetnames[1:]
    assert len(names) == 3 and len(set(names)) == 3
    assert all(len(n) <= 31 for n in names)
    assert names[1].endswith("-part2") and names[2].endswith("-part3")


@pytest.mark.parametrize("max_rows", [1, 0, 1_048_577])
def test_a_row_limit_outside_what_a_sheet_can_hold_is_refused(tmp_path, max_rows):
    with pytest.raises(ValueError, match="max_rows"):
        write_evidence({"credit_ledger": LEDGER}, tmp_path, "h", max_rows=max_rows)


# ---------------------------------------------------------------------------- cell values ----
def test_cells_keep_their_type_and_missing_values_are_empty(tmp_path):
    df = pd.DataFrame(
        {
            "supplier_id": ["euc", "euc", "euc"],
            "flag": pd.array([True, None, False], dtype="boolean"),
            "count": pd.array([3, None, -2], dtype="Int64"),
            "hours": [1.5, float("nan"), float("inf")],
            "note": ["x", "", None],
            "share": pd.array([0.5, None, 0.25], dtype="Float64"),
            "amount": [Decimal("2.5"), Decimal("NaN"), None],
        }
    )
    (_, xlsx_path) = write_evidence({"aged_tickets": df}, tmp_path, "i")
    rows = _sheet_rows(openpyxl.load_workbook(xlsx_path)["aged_tickets"])
    # empty text and missing values are empty cells; infinity is the text "inf", as
    # DataFrame.to_excel wrote it
    assert rows[1:] == [
        ["euc", True, 3, 1.5, "x", 0.5, 2.5],
        ["euc", None, None, None, None, None, None],
        ["euc", False, -2, "inf", None, 0.25, None],
    ]


def test_text_that_looks_like_markup_or_escapes_is_stored_as_written(tmp_path):
    notes = ["a < b & c > d", "<r><t>rich?</t></r>", "_x000D_ literal", "  padded  ", "ünï©ødé"]
    df = pd.DataFrame({"supplier_id": ["euc"] * 5, "note": notes})
    (_, xlsx_path) = write_evidence({"aged_tickets": df}, tmp_path, "j")
    ws = openpyxl.load_workbook(xlsx_path)["aged_tickets"]
    assert [_excel_text(ws.cell(row=i, column=2).value) for i in range(2, 7)] == notes


def test_text_longer_than_a_cell_is_cut_in_the_workbook_only(tmp_path):
    long = "x" * 40_000
    df = pd.DataFrame({"supplier_id": ["euc"], "note": [long]})
    csv_path, xlsx_path = write_evidence({"aged_tickets": df}, tmp_path, "k")
    assert long in csv_path.read_text(encoding="utf-8")
    assert openpyxl.load_workbook(xlsx_path)["aged_tickets"]["B2"].value == "x" * 32_767


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12),
            st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False)),
            st.integers(min_value=-(2**53), max_value=2**53),
        ),
        max_size=8,
    )
)
def test_workbook_cells_equal_the_prepared_frame(rows):
    texts, floats, ints = (list(c) for c in zip(*rows, strict=True)) if rows else ([], [], [])
    df = pd.DataFrame(
        {"text": pd.Series(texts, dtype="str"), "real": pd.Series(floats, dtype="float64")}
    )
    df["whole"] = pd.Series(ints, dtype="int64")
    with tempfile.TemporaryDirectory() as d:
        (_, xlsx_path) = write_evidence({"aged_tickets": df}, d, "p")
        got = _sheet_rows(openpyxl.load_workbook(xlsx_path)["aged_tickets"])[1:]
    got = [[_excel_text(v) for v in row] for row in got]
    want = []
    for r in prepare(df).itertuples(index=False):
        text = _ILLEGAL.sub("", r.text)
        real = None if pd.isna(r.real) else float(f"{r.real:.16g}")  # 16 digits, as Excel
        want.append([text or None, real, r.whole])  # |whole| <= 2**53 fits 16 digits
    assert got == want


@pytest.mark.parametrize(
    ("dtype", "values"),
    [
        ("Int64", [7, None, -1]),
        ("UInt8", [7, None, 0]),
        ("Float64", [0.25, None, -1.5]),
        ("boolean", [True, None, False]),
        ("int64[pyarrow]", [7, None, -1]),
        ("double[pyarrow]", [0.25, None, -1.5]),
        ("bool[pyarrow]", [True, None, False]),
    ],
)
def test_nullable_columns_keep_their_values_and_types(tmp_path, dtype, values):
    df = pd.DataFrame({"v": pd.Series(values, dtype=dtype)})
    (_, xlsx_path) = write_evidence({"aged_tickets": df}, tmp_path, "n")
    ws = openpyxl.load_workbook(xlsx_path)["aged_tickets"]
    cells = [ws.cell(row=i, column=1) for i in (2, 3, 4)]
    assert [c.value for c in cells] == values
    kinds = {bool: "b", int: "n", float: "n"}
    assert [c.data_type for c in cells if c.value is not None] == [
        kinds[type(v)] for v in values if v is not None
    ]


# ------------------------------------------------------------------------- Excel features ----
def _book(tmp_path, frames, **kw):
    paths = write_evidence(frames, tmp_path, "x", **kw)
    return paths, openpyxl.load_workbook(paths[-1])


def test_csv_starts_with_the_utf8_bom_and_round_trips_the_pound_sign(tmp_path):
    df = pd.DataFrame({"supplier_id": ["euc"], "explanation": ["credit £8,640"]})
    (csv_path, _), _ = _book(tmp_path, {"credit_ledger": df})
    raw = csv_path.read_bytes()
    assert raw[:3] == b"\xef\xbb\xbf"
    assert "£".encode() in raw and "Â£".encode() not in raw
    with csv_path.open(encoding="utf-8-sig", newline="") as fh:
        assert list(csv.DictReader(fh)) == [{"supplier_id": "euc", "explanation": "credit £8,640"}]


def test_every_sheet_has_a_frozen_header_an_autofilter_and_column_widths(tmp_path):
    df = pd.DataFrame({"ticket_id": ["INC1", "INC2", "INC3"], "n": [1, 2, 3]})
    _, wb = _book(tmp_path, {"aged_tickets": df})
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2", ws.title
    assert wb["aged_tickets"].auto_filter.ref == "A1:B4"  # header + 3 rows, 2 columns
    assert wb["contents"].auto_filter.ref == "A1:D2"
    widths = wb["aged_tickets"].column_dimensions
    # at least the header ("ticket_id", 9 characters) and never the 8.43 default
    assert widths["A"].width >= 9 and widths["B"].width >= 6
    assert wb["aged_tickets"]["A1"].font.b  # bold header


def test_a_long_text_column_is_capped_at_a_readable_width(tmp_path):
    df = pd.DataFrame({"explanation": ["word " * 100]})
    _, wb = _book(tmp_path, {"credit_ledger": df})
    assert 50 <= wb["credit_ledger"].column_dimensions["A"].width <= 62


def test_number_formats_follow_what_the_column_holds(tmp_path):
    df = pd.DataFrame(
        {
            "amount": [8640.0, -500.0],
            "ping_pong_rate": [0.25, 0.5],
            "paused_share": [0.125, 1.0],
            "priority": pd.array([1, None], dtype="Int64"),
            "elapsed_h": [1.5, 2.25],
            "breached": [True, False],
            "waited": pd.to_timedelta(["1 days 02:00:00", "00:30:00"]),
        }
    )
    _, wb = _book(tmp_path, {"breaches": df})
    row = wb["breaches"][2]
    assert [c.number_format for c in row] == [
        "#,##0.00;-#,##0.00",
        "0.0%",
        "0.0%",
        "0",
        "General",
        "General",
        "[h]:mm:ss",
    ]
    # the values stay numbers: a per-cent format shows 0.25 as 25.0 %
    assert [c.value for c in row[:6]] == [8640.0, 0.25, 0.125, 1, 1.5, True]
    assert row[6].value == dt.timedelta(days=1, hours=2)


def test_naive_timestamps_are_utc_and_shown_in_the_estate_zone(tmp_path):
    df = pd.DataFrame(
        {
            # 11:00 UTC is 12:00 in London in July (BST) and 07:00 in New York (EDT)
            "at": pd.to_datetime(["2026-07-01T11:00:00", None]),
        }
    )
    _, london = _book(tmp_path / "l", {"aged_tickets": df})
    _, new_york = _book(tmp_path / "n", {"aged_tickets": df}, tz="America/New_York")
    assert london["aged_tickets"]["A2"].value == dt.datetime(2026, 7, 1, 12, 0)
    assert new_york["aged_tickets"]["A2"].value == dt.datetime(2026, 7, 1, 7, 0)
    assert london["aged_tickets"]["A3"].value is None


def test_an_object_column_of_timestamps_becomes_date_cells(tmp_path):
    values = [pd.Timestamp("2026-01-05T09:00Z"), dt.datetime(2026, 1, 5, 10, 0), None]
    df = pd.DataFrame({"at": pd.Series(values, dtype="object")})
    _, wb = _book(tmp_path, {"aged_tickets": df})
    ws = wb["aged_tickets"]
    # January: London is on UTC; the naive value is taken to be UTC
    assert [ws["A2"].value, ws["A3"].value, ws["A4"].value] == [
        dt.datetime(2026, 1, 5, 9, 0),
        dt.datetime(2026, 1, 5, 10, 0),
        None,
    ]


def test_contents_has_one_row_per_sheet_with_rows_and_the_time_zone_of_times(tmp_path):
    timed = pd.DataFrame({"at": pd.to_datetime(["2026-03-01T00:00Z"] * 3)})
    _, wb = _book(tmp_path, {"aged_tickets": timed, "credit_ledger": LEDGER}, max_rows=3)
    rows = _sheet_rows(wb["contents"])
    assert [r[:3] for r in rows[1:]] == [
        ["aged_tickets", "aged_tickets", 2],
        ["aged_tickets-part2", "aged_tickets", 1],
        ["credit_ledger", "credit_ledger", 2],
    ]
    assert wb.sheetnames[1:] == [r[0] for r in rows[1:]]
    assert all("Europe/London" in r[3] for r in rows[1:3])
    assert "Europe/London" not in rows[3][3]  # no times in the ledger
    assert wb["contents"]["C2"].number_format == "0"


def test_text_shaped_like_rich_text_markup_cannot_inject_cells_or_formulas(tmp_path):
    payload = '<r><t>a</t></r></is></c><c r="Z9"><f>HYPERLINK("http://x")</f></c><c><is><r></r>'
    df = pd.DataFrame({"note": [payload, "<r></r>"], "<r>x</r>": [1, 2]})
    _, wb = _book(tmp_path, {"aged_tickets": df})
    ws = wb["aged_tickets"]
    assert _sheet_rows(ws) == [["note", "<r>x</r>"], [payload, 1], ["<r></r>", 2]]
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def test_an_unknown_time_zone_is_refused_before_anything_is_written(tmp_path):
    with pytest.raises(ValueError, match="time zone 'Mars/Olympus'"):
        write_evidence({"credit_ledger": LEDGER}, tmp_path, "z", tz="Mars/Olympus")
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------- workbooks reused by content ----
def _workbook(folder, frames, cache_dir=None, name="w"):
    from siamlib.evidence import write_workbook

    folder.mkdir(exist_ok=True)
    return write_workbook(frames, folder, name, cache_dir=cache_dir).read_bytes()


def test_the_same_evidence_gives_the_same_workbook_bytes_at_any_time(tmp_path):
    frames = {"breaching_tickets": BREACHES, "credit_ledger": LEDGER}
    first = _workbook(tmp_path / "a", frames)
    assert _workbook(tmp_path / "b", frames) == first


def test_a_workbook_from_the_cache_is_the_workbook_written_without_it(tmp_path):
    frames = {"breaching_tickets": BREACHES, "credit_ledger": LEDGER}
    plain = _workbook(tmp_path / "plain", frames)
    stored = _workbook(tmp_path / "first", frames, cache_dir=tmp_path / "cache")
    reused = _workbook(tmp_path / "second", frames, cache_dir=tmp_path / "cache")
    assert plain == stored == reused
    assert len(list((tmp_path / "cache").glob("*.bin"))) == 1


def _planted(tmp_path, frames, body):
    """Store ``body`` as the cached workbook of ``frames`` (what a previous run would hold)."""
    from siamlib import cache
    from siamlib.evidence import _sheets, workbook_key

    key = workbook_key(_sheets(frames, 1_048_576, "Europe/London"))
    cache.write_blob(tmp_path / "cache", key, body)
    return key


def test_unchanged_cells_copy_the_stored_workbook_instead_of_writing_one(tmp_path):
    frames = {"credit_ledger": LEDGER}
    _planted(tmp_path, frames, b"stored workbook")
    assert _workbook(tmp_path / "out", frames, cache_dir=tmp_path / "cache") == b"stored workbook"


def test_one_changed_cell_writes_a_new_workbook(tmp_path):
    frames = {"credit_ledger": LEDGER}
    _planted(tmp_path, frames, b"stored workbook")
    changed = {"credit_ledger": LEDGER.assign(amount=[8640.0, -499.0])}
    got = _workbook(tmp_path / "out", changed, cache_dir=tmp_path / "cache")
    assert got == _workbook(tmp_path / "plain", changed)
    wb = openpyxl.load_workbook(tmp_path / "out" / "w.xlsx")
    assert wb["credit_ledger"]["B3"].value == -499.0


@pytest.mark.parametrize(
    "spoil",
    [lambda b: b[:-1] + bytes([b[-1] ^ 1]), lambda b: b[: len(b) // 2], lambda b: b"x" + b],
    ids=["flipped-bit", "truncated", "foreign-header"],
)
def test_a_corrupt_or_foreign_stored_workbook_is_ignored_and_written_afresh(tmp_path, spoil):
    frames = {"credit_ledger": LEDGER}
    key = _planted(tmp_path, frames, b"stored workbook")
    entry = tmp_path / "cache" / f"{key}.bin"
    entry.write_bytes(spoil(entry.read_bytes()))
    got = _workbook(tmp_path / "out", frames, cache_dir=tmp_path / "cache")
    assert got == _workbook(tmp_path / "plain", frames)


def test_a_cache_folder_that_cannot_be_written_still_gives_the_workbook(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    frames = {"credit_ledger": LEDGER}
    got = _workbook(tmp_path / "out", frames, cache_dir=blocker / "cache")
    assert got == _workbook(tmp_path / "plain", frames)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.one_of(st.none(), st.integers(-5, 5), st.floats(allow_nan=False, width=32)),
        min_size=1,
        max_size=6,
    )
)
def test_workbooks_share_a_key_only_when_their_cells_are_equal(values):
    from siamlib.evidence import _sheets, workbook_key

    frame = pd.DataFrame({"amount": pd.Series(values, dtype="object")})
    other = pd.DataFrame({"amount": pd.Series([*values[:-1], "x"], dtype="object")})
    key = workbook_key(_sheets({"ledger": frame}, 100, "UTC"))
    assert key == workbook_key(_sheets({"ledger": frame.copy()}, 100, "UTC"))
    assert key != workbook_key(_sheets({"ledger": other}, 100, "UTC"))
