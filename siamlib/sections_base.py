"""Helpers shared by the report-section modules (:mod:`siamlib.sections` and
:mod:`siamlib.sections_board`): frames of a bundle, supplier names, money, the RAG scale.

>>> b = {"meta": {"supplier_names": {"h": "Summit"}}, "frames": {}}
>>> _named(b, pd.DataFrame({"supplier_id": ["h"], "x": [1]})).columns.tolist()
['supplier', 'x']
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from siamlib import charts, present

RAG_LETTERS = {"red": "R", "amber": "A", "green": "G", "grey": "–"}
RAG_SCALE = alt.Scale(domain=list(charts.RAG_COLOURS), range=list(charts.RAG_COLOURS.values()))


def _f(bundle: dict, name: str) -> pd.DataFrame:
    return bundle["frames"].get(name, pd.DataFrame())


def _names(bundle: dict) -> dict[str, str]:
    """Supplier id -> name (meta, else the league table); ids without a name stay as they are."""
    names = dict(bundle["meta"].get("supplier_names") or {})
    lg = bundle["frames"].get("league")
    if lg is not None and not lg.empty and "supplier_name" in lg.columns:
        names = {**dict(zip(lg["supplier_id"], lg["supplier_name"], strict=True)), **names}
    return names


def _named(bundle: dict, df: pd.DataFrame, column: str = "supplier_id") -> pd.DataFrame:
    """``df`` with the supplier ids of ``column`` replaced by a ``supplier`` name column."""
    if column not in df.columns:
        return df
    names = _names(bundle)
    out = df.copy()
    out.insert(
        list(df.columns).index(column), "supplier", df[column].map(lambda i: names.get(i, i))
    )
    return out.drop(columns=[column])


def _money(bundle: dict):
    cur = bundle["meta"].get("currency", "GBP")
    return lambda v: present.fmt_money(v, cur)


def _in_board_order(bundle: dict, df: pd.DataFrame, column: str = "supplier_id") -> pd.DataFrame:
    """``df``'s rows by supplier in the board's one order (:func:`siamlib.frontpage.board_order`),
    each supplier's rows in their own order; suppliers the order does not know last."""
    from siamlib import frontpage

    if df.empty or column not in df.columns:
        return df
    order = {sid: i for i, sid in enumerate(frontpage.board_order(bundle))}
    pos = df[column].map(order).fillna(len(order))
    return df.iloc[pos.reset_index(drop=True).sort_values(kind="stable").index]
