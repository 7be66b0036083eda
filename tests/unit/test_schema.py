"""The data model: coercion to declared dtypes, tz-aware UTC timestamps, clear errors."""

from __future__ import annotations

import pandas as pd
import pytest

from siamlib import schema


def _outages(**overrides):
    data = {
        "outage_id": ["O1"],
        "service": ["email"],
        "supplier_id": ["hosting"],
        "start_at": ["2026-03-29T00:30:00+00:00"],
        "end_at": ["2026-03-29T03:30:00+01:00"],
        "planned": [False],
    }
    data.update(overrides)
    return pd.DataFrame(data)


def test_timestamps_become_utc_whatever_zone_they_carry():
    df = schema.coerce("outages", _outages())
    assert str(df["start_at"].dtype) == schema.TIMESTAMP_DTYPE
    # 03:30 at +01:00 is 02:30 UTC
    assert df.loc[0, "end_at"] == pd.Timestamp("2026-03-29T02:30:00Z")


def test_naive_timestamps_are_refused_with_the_column_named():
    naive = _outages(start_at=pd.to_datetime(["2026-03-29 00:30"]))
    with pytest.raises(schema.SchemaError, match=r"outages\.start_at: .*timezone-aware"):
        schema.coerce("outages", naive)


def test_numbers_are_not_accepted_as_timestamps():
    with pytest.raises(schema.SchemaError, match=r"outages\.start_at: numbers are not"):
        schema.coerce("outages", _outages(start_at=[1_775_000_000]))


@pytest.mark.parametrize("cell", [20260329, 1_775_000_000.0, True], ids=["int", "float", "bool"])
def test_a_number_among_timestamp_texts_is_refused_not_read_as_a_date(cell):
    start = pd.Series(["2026-03-29T00:30:00Z", cell], dtype="object")
    frame = pd.concat([_outages()] * 2, ignore_index=True).assign(start_at=start)
    with pytest.raises(schema.SchemaError, match=r"outages\.start_at: numbers are not"):
        schema.coerce("outages", frame)


def test_a_missing_column_is_named():
    with pytest.raises(schema.SchemaError, match="outages: missing columns planned"):
        schema.coerce("outages", _outages().drop(columns="planned"))


def test_coerce_does_not_modify_its_input_and_drops_undeclared_columns():
    raw = _outages(extra=["x"])
    before = raw.copy()
    out = schema.coerce("outages", raw)
    pd.testing.assert_frame_equal(raw, before)
    assert "extra" not in out.columns
    assert list(out.columns) == schema.TABLES["outages"].column_names


def test_missing_optional_values_stay_missing():
    out = schema.coerce("outages", _outages(end_at=[None]))
    assert out["end_at"].isna().all()
    assert str(out["end_at"].dtype) == schema.TIMESTAMP_DTYPE


def test_empty_tables_have_the_declared_dtypes():
    for name, table in schema.TABLES.items():
        df = schema.empty(name)
        assert list(df.columns) == table.column_names
        compact = schema.COMPACT.get(name, ())
        want = ["category" if c.name in compact else c.dtype for c in table.columns]
        assert [str(t) for t in df.dtypes] == want


def test_event_text_columns_are_categoricals_with_the_same_values():
    # 3 events, 2 statuses, one group missing: values and missingness are those of the input,
    # only the storage changes (categories sorted, so the codes do not depend on row order).
    ev = pd.DataFrame(
        {
            "ticket_id": ["T1", "T1", "T2"],
            "event_seq": [1, 2, 1],
            "event_at": ["2026-01-05 10:00Z"] * 3,
            "status": ["new", "closed", "new"],
            "assignment_group": ["SD", None, "NET"],
            "supplier_id": ["sd", "sd", "net"],
            "support_level": [1, 1, 2],
        }
    )
    out = schema.coerce("ticket_events", ev)
    for col in schema.COMPACT["ticket_events"]:
        assert isinstance(out[col].dtype, pd.CategoricalDtype)
    assert out["status"].cat.categories.tolist() == ["closed", "new"]
    assert out["assignment_group"].tolist()[::2] == ["SD", "NET"]
    assert out["assignment_group"].isna().tolist() == [False, True, False]
    assert (out["status"] == "new").tolist() == [True, False, True]
    assert str(out["ticket_id"].dtype) == "str"  # ids stay text: as many values as rows


def test_every_table_has_a_key_made_of_its_columns():
    for table in schema.TABLES.values():
        assert set(table.key) <= set(table.column_names)
