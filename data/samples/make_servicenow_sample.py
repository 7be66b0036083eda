"""Rebuild servicenow_incident_sample.csv.gz from the full public log (deterministic).

Takes every row of about 600 complete incidents: all incidents showing the awkward cases the
importer must handle (state -100, updates out of time order, repeated sys_mod_count, updates in
the spring-forward DST gap, rare awaiting states, never-assigned incidents, reopens), topped up
with a seeded random choice. Source lines are copied byte for byte.

    .venv/bin/python data/samples/make_servicenow_sample.py
"""

import gzip
import random

import pandas as pd

from siamlib import paths
from siamlib.importers.servicenow import FULL_LOG, SAMPLE

TARGET = 600
SEED = 20260101

df = pd.read_csv(FULL_LOG, dtype="str", keep_default_na=False)
df["ts"] = pd.to_datetime(df["sys_updated_at"], format="%d/%m/%Y %H:%M")
df["mod"] = df["sys_mod_count"].astype(int)
by = df.groupby("number", sort=True)
picked: set[str] = set()
picked |= set(df.loc[df["incident_state"] == "-100", "number"])
picked |= set(df.loc[by["ts"].diff() < pd.Timedelta(0), "number"])
picked |= set(df.loc[df.duplicated(["number", "mod"]), "number"])
# 01:00-01:59 on 27 March 2016 does not exist in Europe/London.
gap = (df["ts"] >= "2016-03-27 01:00") & (df["ts"] < "2016-03-27 02:00")
picked |= set(df.loc[gap, "number"])
rng = random.Random(SEED)
for state in ("Awaiting Vendor", "Awaiting Problem", "Awaiting Evidence"):
    picked |= set(rng.sample(sorted(set(df.loc[df["incident_state"] == state, "number"])), 8))
never = by["assignment_group"].apply(lambda s: (s == "?").all())
picked |= set(rng.sample(sorted(never[never].index), 15))
reopened = by["reopen_count"].apply(lambda s: (s != "0").any())
picked |= set(rng.sample(sorted(reopened[reopened].index), 40))
rest = sorted(set(df["number"]) - picked)
picked |= set(rng.sample(rest, TARGET - len(picked)))

with gzip.open(FULL_LOG, "rt", encoding="utf-8", newline="") as fh:
    lines = fh.readlines()
keep = [lines[0]] + [ln for ln in lines[1:] if ln.split(",", 1)[0] in picked]
with open(SAMPLE, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
    out.write("".join(keep).encode("utf-8"))
print(f"{SAMPLE.relative_to(paths.ROOT)}: {len(picked)} incidents, {len(keep) - 1} rows")
