"""The data window an import speaks for: a log's own span, a return's whole months.

A dataset's window (``dataset.json`` ``window_start``/``window_end``, UTC, end exclusive)
decides which months can be reported on: a month only partly inside it is refused
(:func:`siamlib.periods.check_in_window`). An imported log speaks for the span between its
first and last timestamps (:func:`log_window`), unless the user declares when the export was
taken (:func:`declare_extracted_at`, ``siam import --extracted-at``); supplier returns cover
the whole months of their periods (:func:`month_window`).
"""

from __future__ import annotations

import pandas as pd

from siamlib.importers.result import ImporterError, ImportResult


def month_window(
    start: pd.Timestamp, end: pd.Timestamp, tz: str
) -> tuple[pd.Timestamp, pd.Timestamp]:
    """``[start, end]`` widened to whole calendar months in ``tz``; UTC, end exclusive.

    >>> s, e = month_window(pd.Timestamp("2016-02-29 01:23Z"), pd.Timestamp("2017-02-15 15:00Z"),
    ...                     "Europe/London")
    >>> str(s), str(e)
    ('2016-02-01 00:00:00+00:00', '2017-03-01 00:00:00+00:00')
    """
    lo = start.tz_convert(tz).tz_localize(None).to_period("M")
    hi = end.tz_convert(tz).tz_localize(None).to_period("M") + 1
    return (
        lo.start_time.tz_localize(tz).tz_convert("UTC"),
        hi.start_time.tz_localize(tz).tz_convert("UTC"),
    )


def log_window(tickets: pd.DataFrame, events: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The data window a log speaks for: its first timestamp to just after its last (UTC).

    Not rounded out to whole months: a log says nothing about the days before its first row
    or after its last, and a month it holds only in part must not be scored as whole (the
    missing days would read as days without tickets, and open tickets' clocks would run on
    past the extraction). :func:`declare_extracted_at` moves the end to the time the export
    was taken, when the user knows it.

    >>> t = pd.DataFrame({"opened_at": pd.to_datetime(["2026-10-03 08:00Z"])})
    >>> e = pd.DataFrame({"event_at": pd.to_datetime(["2026-10-03 09:00Z", "2026-10-17 10:00Z"])})
    >>> [str(w) for w in log_window(t, e)]
    ['2026-10-03 08:00:00+00:00', '2026-10-17 10:00:01+00:00']
    """
    stamps = [events["event_at"]] + [
        tickets[c] for c in tickets.columns if str(tickets[c].dtype).startswith("datetime64")
    ]
    lo = min(s.min() for s in stamps if s.notna().any())
    hi = max(s.max() for s in stamps if s.notna().any())
    # The next whole second: logs carry seconds at most, and the end is exclusive.
    return lo, hi.floor("s") + pd.Timedelta(seconds=1)


def declare_extracted_at(result: ImportResult, when: str, tz: str) -> ImportResult:
    """End ``result``'s window at ``when``, the time the export was taken (``siam import
    --extracted-at``): the log is declared complete up to then.

    ``when`` is ISO 8601; without an offset it is read in ``tz`` (the estate's zone). It may
    not come before the log's last timestamp: the log would then hold rows from after its
    own extraction. Returns ``result``, changed in place.

    >>> from siamlib.importers.result import ImportSummary
    >>> span = (pd.Timestamp("2026-10-03 08:00Z"), pd.Timestamp("2026-10-31 18:00Z"))
    >>> summary = ImportSummary("f", "eventlog", 1, 1, 0, 0)
    >>> r = ImportResult({}, pd.DataFrame(), summary, window=span)
    >>> str(declare_extracted_at(r, "2026-11-01", "Europe/London").window[1])
    '2026-11-01 00:00:00+00:00'
    >>> declare_extracted_at(r, "2026-10-20", "Europe/London")
    Traceback (most recent call last):
    ...
    siamlib.importers.result.ImporterError: --extracted-at 2026-10-20: the log has rows up to ...
    """
    try:
        at = pd.Timestamp(when)
    except ValueError as exc:
        raise ImporterError(f"--extracted-at {when}: not a date or time ({exc})") from None
    at = (at.tz_localize(tz) if at.tzinfo is None else at).tz_convert("UTC")
    if result.window is None:
        return result
    if at > pd.Timestamp.now(tz="UTC"):
        # A mistyped year would declare months without a row complete: scored as no tickets.
        raise ImporterError(
            f"--extracted-at {when}: is in the future; pass the time the export was taken"
        )
    last = result.window[1] - pd.Timedelta(seconds=1)
    if at < last:
        raise ImporterError(
            f"--extracted-at {when}: the log has rows up to {last:%Y-%m-%d %H:%M:%S} UTC, after "
            "the time given; pass the time the export was taken (or leave the option out)"
        )
    end = max(at, result.window[1])
    result.window = (result.window[0], end)
    result.summary.window = (result.window[0].isoformat(), end.isoformat())
    return result
