"""Benchmark: vectorised SLA clocks against a straightforward per-ticket reference.

Both compute the business resolution time of the same tickets (running intervals of the event
history, pause statuses excluded, on the calendar of each ticket's resolution target):

- *vectorised*: :func:`siamlib.clocks.ticket_clocks` (cumulative business-time index, arrays);
- *reference*: a plain Python loop per ticket that walks its intervals day by day with
  ``zoneinfo`` and the ``holidays`` package, in the way a hand-written SLA script would.

The results must agree to the second on the sample; the script prints a table and never
asserts times. Usage::

    .venv/bin/python benchmarks/bench_clock.py                  # 20,000 tickets
    .venv/bin/python benchmarks/bench_clock.py --tickets 1000000 --sample 20000

Data come from :func:`siamlib.demo.generate` when it is importable (``--generator demo``,
the default when available), else from the quick numpy generator below (``--generator
numpy``), which also stresses reopens, pauses and DST/holiday crossings.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
import zoneinfo
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from siamlib.clocks import ticket_clocks, time_by_supplier  # noqa: E402
from siamlib.params import Calendar, Params, load_params  # noqa: E402
from siamlib.schema import OPEN_STATUSES  # noqa: E402

AS_OF = pd.Timestamp("2026-12-31T00:00Z")
YEAR_START = pd.Timestamp("2026-01-01T00:00Z")


# --------------------------------------------------------------------------- generator ----
def numpy_estate(n: int, params: Params, seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Tickets and events (about 10 events per ticket) spread over 2026, vectorised."""
    rng = np.random.default_rng(seed)
    suppliers = np.array(sorted(params.contracts), dtype=object)
    opened = YEAR_START.value // 1000 + rng.integers(0, 360 * 86_400_000_000, n)
    k = rng.integers(4, 17, n)  # events per ticket, mean 10
    tix = np.repeat(np.arange(n), k)
    pos = np.arange(len(tix)) - np.repeat(np.cumsum(k) - k, k)
    last = pos == np.repeat(k - 1, k)
    middle = np.array(
        ["assigned", "in_progress", "in_progress", "awaiting_user", "awaiting_supplier",
         "awaiting_change", "resolved"], dtype=object
    )  # fmt: skip
    status = middle[rng.integers(0, len(middle), len(tix))]
    status[pos == 0] = "new"
    done = rng.random(n) < 0.9
    status[last & done[tix]] = "closed"
    status[last & ~done[tix]] = "in_progress"
    gaps = rng.exponential(4 * 3600e6, len(tix)).astype(np.int64)
    gaps[pos == 0] = 0
    at = opened[tix] + (np.cumsum(gaps) - np.repeat((np.cumsum(gaps) - gaps)[pos == 0], k))
    sup = suppliers[rng.integers(0, len(suppliers), len(tix))]
    owner = rng.integers(0, len(suppliers), n)
    sup[last] = suppliers[owner]
    events = pd.DataFrame(
        {
            "ticket_id": pd.array([f"T{i:07d}" for i in tix], dtype="str"),
            "event_seq": pos + 1,
            "event_at": pd.to_datetime(at, unit="us", utc=True),
            "status": pd.array(status, dtype="str"),
            "supplier_id": pd.array(sup, dtype="str"),
        }
    )
    responded = pos == 1
    first_resp = np.full(n, np.iinfo(np.int64).min)
    first_resp[tix[responded]] = at[responded]
    last_at = at[last]
    tickets = pd.DataFrame(
        {
            "ticket_id": pd.array([f"T{i:07d}" for i in range(n)], dtype="str"),
            "ticket_type": "incident",
            "supplier_id": pd.array(suppliers[owner], dtype="str"),
            "service": "svc",
            "priority": rng.integers(1, 5, n),
            "opened_at": pd.to_datetime(opened, unit="us", utc=True),
            "first_response_at": pd.to_datetime(
                np.where(first_resp == np.iinfo(np.int64).min, np.nan, first_resp),
                unit="us",
                utc=True,
            ),
            "resolved_at": pd.to_datetime(np.where(done, last_at, np.nan), unit="us", utc=True),
            "closed_at": pd.to_datetime(np.where(done, last_at, np.nan), unit="us", utc=True),
            "status": np.where(done, "closed", "in_progress"),
        }
    )
    return tickets, events


# --------------------------------------------------------------------------- reference ----
class RefCalendar:
    """Business seconds between two instants by walking local days (zoneinfo + holidays)."""

    def __init__(self, cal: Calendar):
        import holidays

        self.tz = zoneinfo.ZoneInfo(cal.timezone)
        self.spans = {
            i: [(_hm(a), _hm(b)) for a, b in cal.weekly_hours.get(d, [])]
            for i, d in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))
        }
        self.off = set(cal.extra_holidays)
        if cal.holidays is not None:
            self.off |= set(
                holidays.country_holidays(
                    cal.holidays.country, subdiv=cal.holidays.subdivision, years=range(2024, 2029)
                )
            )

    def seconds(self, a: dt.datetime, b: dt.datetime) -> float:
        if b <= a:
            return 0.0
        total = dt.timedelta(0)
        day = a.astimezone(self.tz).date() - dt.timedelta(days=1)
        stop = b.astimezone(self.tz).date() + dt.timedelta(days=1)
        while day <= stop:
            if day not in self.off:
                for (h0, m0), (h1, m1) in self.spans[day.weekday()]:
                    s = _local(day, h0, m0, self.tz)
                    e = _local(day, h1, m1, self.tz)
                    lo, hi = max(s, a), min(e, b)
                    if hi > lo:
                        total += hi - lo
            day += dt.timedelta(days=1)
        return total.total_seconds()


def _hm(s: str) -> tuple[int, int]:
    h, m = s.split(":")
    return int(h), int(m)


def _local(day: dt.date, h: int, m: int, tz) -> dt.datetime:
    if h == 24:
        day, h = day + dt.timedelta(days=1), 0
    return dt.datetime(day.year, day.month, day.day, h, m, tzinfo=tz).astimezone(dt.UTC)


def reference_resolution_seconds(
    tickets: pd.DataFrame, events: pd.DataFrame, params: Params, as_of: pd.Timestamp
) -> dict[str, float]:
    """Per-ticket Python loop: business seconds running (not paused, not stopped).

    The events are grouped into plain Python lists once up front, so the loop's cost is the
    clock arithmetic itself, not pandas overhead.
    """
    cals: dict[str, RefCalendar] = {}
    estate_tz = zoneinfo.ZoneInfo(params.estate.timezone)
    as_of_dt = as_of.to_pydatetime()
    ev = events.sort_values(["ticket_id", "event_seq"], kind="stable")
    by_ticket: dict[str, list] = {}
    for tid, at, st in zip(
        ev["ticket_id"], ev["event_at"].dt.to_pydatetime(), ev["status"], strict=True
    ):
        if at <= as_of_dt:
            by_ticket.setdefault(tid, []).append((at, st))
    out = {}
    for tid, sup, prio, opened in zip(
        tickets["ticket_id"],
        tickets["supplier_id"],
        tickets["priority"],
        tickets["opened_at"].dt.to_pydatetime(),
        strict=True,
    ):
        contract = params.contracts[sup]
        on = opened.astimezone(estate_tz).date()
        name = next(
            (
                t.calendar
                for t in contract.targets_on(on)
                if t.priority == prio and t.clock == "resolution"
            ),
            "business" if "business" in contract.calendars else next(iter(contract.calendars)),
        )
        key = contract.calendars[name].model_dump_json()
        if key not in cals:
            cals[key] = RefCalendar(contract.calendars[name])
        cal = cals[key]
        pause = contract.clock.pause_statuses
        steps = by_ticket.get(tid, [])
        total = 0.0
        for i, (t0, st) in enumerate(steps):
            t1 = steps[i + 1][0] if i + 1 < len(steps) else as_of_dt
            if st in OPEN_STATUSES and st not in pause:
                total += cal.seconds(max(t0, opened), min(t1, as_of_dt))
        out[tid] = total
    return out


def naive_reference_seconds(
    tickets: pd.DataFrame, events: pd.DataFrame, params: Params, as_of: pd.Timestamp
) -> dict[str, float]:
    """The loop as commonly first written: per ticket, select and sort its events with pandas,
    then walk them (same calendar arithmetic as :func:`reference_resolution_seconds`)."""
    cals: dict[str, RefCalendar] = {}
    estate_tz = zoneinfo.ZoneInfo(params.estate.timezone)
    as_of_dt = as_of.to_pydatetime()
    by_ticket = dict(tuple(events.groupby("ticket_id", sort=False)))
    out = {}
    for row in tickets.itertuples(index=False):
        contract = params.contracts[row.supplier_id]
        opened = row.opened_at.to_pydatetime()
        on = opened.astimezone(estate_tz).date()
        name = next(
            (
                t.calendar
                for t in contract.targets_on(on)
                if t.priority == row.priority and t.clock == "resolution"
            ),
            "business" if "business" in contract.calendars else next(iter(contract.calendars)),
        )
        key = contract.calendars[name].model_dump_json()
        cal = cals.setdefault(key, RefCalendar(contract.calendars[name]))
        g = by_ticket.get(row.ticket_id, events.iloc[:0]).sort_values("event_seq")
        g = g[g["event_at"] <= as_of]
        times = [t.to_pydatetime() for t in g["event_at"]]
        total = 0.0
        for i, (t0, st) in enumerate(zip(times, g["status"], strict=True)):
            t1 = times[i + 1] if i + 1 < len(times) else as_of_dt
            if st in OPEN_STATUSES and st not in contract.clock.pause_statuses:
                total += cal.seconds(max(t0, opened), min(t1, as_of_dt))
        out[row.ticket_id] = total
    return out


# -------------------------------------------------------------------------------- main ----
def _data(n: int, params: Params, generator: str):
    if generator == "demo":
        from siamlib import demo

        tables = demo.generate(n_tickets=n, params=params)
        return tables["tickets"], tables["ticket_events"]
    return numpy_estate(n, params)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tickets", type=int, default=20_000, help="tickets in the estate")
    ap.add_argument(
        "--sample", type=int, default=None, help="tickets given to the reference (default: all)"
    )
    try:
        import siamlib.demo  # noqa: F401

        default_gen = "demo"
    except ImportError:
        default_gen = "numpy"
    ap.add_argument("--generator", choices=("demo", "numpy"), default=default_gen)
    ap.add_argument(
        "--naive-sample", type=int, default=5_000, help="tickets given to the naive loop"
    )
    ap.add_argument("--as-of", default=None, help="as-of instant (default: data-dependent)")
    args = ap.parse_args(argv)
    params = load_params()

    t0 = time.perf_counter()
    tickets, events = _data(args.tickets, params, args.generator)
    gen_s = time.perf_counter() - t0
    as_of = pd.Timestamp(args.as_of) if args.as_of else _as_of(events, args.generator)
    print(
        f"generator={args.generator} tickets={len(tickets):,} events={len(events):,} "
        f"as_of={as_of} (generated in {gen_s:.1f} s)"
    )

    (clocks, vec_all), (held, tbs) = (
        _timed(ticket_clocks, tickets, events, params, as_of),
        _timed(time_by_supplier, tickets, events, params, as_of),
    )

    sample_n = min(args.sample or len(tickets), len(tickets))
    rng = np.random.default_rng(0)
    pick = np.sort(rng.choice(len(tickets), sample_n, replace=False))
    st = tickets.iloc[pick].reset_index(drop=True)
    se = events[events["ticket_id"].isin(set(st["ticket_id"]))].reset_index(drop=True)

    ref, ref_t = _timed(reference_resolution_seconds, st, se, params, as_of)
    naive_n = min(sample_n, args.naive_sample)
    nt = st.iloc[:naive_n]
    ne = se[se["ticket_id"].isin(set(nt["ticket_id"]))]
    naive, naive_t = _timed(naive_reference_seconds, nt, ne, params, as_of)
    vec, vec_t = _timed(ticket_clocks, st, se, params, as_of)
    nvec, nvec_t = _timed(ticket_clocks, nt, ne, params, as_of)

    ours = vec.set_index("ticket_id")["resolution_h"] * 3600
    theirs = pd.Series(ref).reindex(ours.index)
    diff = (ours - theirs).abs()
    worst = float(diff.max()) if len(diff) else 0.0
    mismatched = int((diff >= 1).sum() + theirs.isna().sum())
    # Tickets opened after as_of are out of the clocks by design; the loops still list them.
    nv = pd.Series(naive)
    later = set(nt.loc[nt["opened_at"] > as_of, "ticket_id"])
    common = nv.index.intersection(ours.index)
    naive_diff = (nv[common] - ours[common]).abs()
    unexplained = set(nv.index) - set(ours.index) - later
    mismatched += int((naive_diff >= 1).sum()) + len(unexplained)

    sums = held.groupby("ticket_id")["held_h"].sum().reindex(clocks["ticket_id"]).fillna(0.0)
    held_gap = float(np.abs(sums.to_numpy() - clocks["resolution_h"].to_numpy()).max())

    print()
    print("business resolution time, per-ticket loop vs vectorised (wall s / CPU s):")
    print(f"{'reference':>9} {'tickets':>9} {'reference s':>16} {'vectorised s':>16} {'ratio':>14}")
    for label, k, rt, vt in (
        ("lean", sample_n, ref_t, vec_t),
        ("naive", naive_n, naive_t, nvec_t),
    ):
        print(
            f"{label:>9} {k:>9,} {rt[0]:>7.2f} / {rt[1]:>6.2f} {vt[0]:>7.3f} / {vt[1]:>6.3f} "
            f"{rt[0] / vt[0]:>5.0f}x / {rt[1] / max(vt[1], 1e-9):>5.0f}x"
        )
    per_ticket_ref = ref_t[1] / sample_n
    print(
        f"reference CPU per ticket {per_ticket_ref * 1e3:.2f} ms -> the full estate would take "
        f"about {per_ticket_ref * len(tickets):,.0f} CPU s by the loop"
    )
    print()
    print(
        f"agreement: {mismatched} of {sample_n:,} (lean) + {naive_n:,} (naive) tickets "
        "differ by >= 1 s"
    )
    print(f"  (largest difference {worst:.6f} s)")
    print(
        f"full estate, {len(tickets):,} tickets / {len(events):,} events (wall s / CPU s):\n"
        f"  ticket_clocks    {vec_all[0]:7.2f} / {vec_all[1]:7.2f}\n"
        f"  time_by_supplier {tbs[0]:7.2f} / {tbs[1]:7.2f}"
    )
    print(f"  max |sum(held_h) - resolution_h| per ticket: {held_gap:.3g} h")
    if mismatched:
        bad = diff[diff >= 1].index[:5]
        print("  first mismatches:", ", ".join(bad))
        sys.exit(1)


def _timed(fn, *args):
    """Result, (wall seconds, CPU seconds of this process). CPU time is the fairer number
    on a shared machine: wall time grows with other processes' load."""
    w, c = time.perf_counter(), time.process_time()
    out = fn(*args)
    return out, (time.perf_counter() - w, time.process_time() - c)


def _as_of(events: pd.DataFrame, generator: str) -> pd.Timestamp:
    """The demo's extract time (as in a monthly run), or, for the numpy estate, 95% through
    its event history so that some tickets are open and some events come later."""
    if generator == "demo":
        from siamlib import demo

        return demo.window()[1]
    return pd.Timestamp(events["event_at"].quantile(0.95)).floor("h")


if __name__ == "__main__":
    main()
