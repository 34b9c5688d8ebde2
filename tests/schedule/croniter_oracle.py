#!/usr/bin/python3
"""Differential test: `greenlight schedule` against Debian's python3-croniter, in UTC.

Random five-field expressions (lists, ranges, steps, names, day-of-week 7) and random start
times from a fixed seed; for each, the next few due times from both must be equal. UTC only:
croniter 1.3.5 is wrong across daylight saving time (tests/schedule/next_due_test.cpp has
those cases, written out, and a simulation of Debian's cron).

Where croniter and Debian's cron disagree, cases are generated so that both readings give
the same answer (see `agrees_on_day_rule`), and forms greenlight refuses (`5/15`, `5-1`)
are not generated. Cases that run into croniter's February bug are left out (see
`croniter_february_bug`).

Usage: croniter_oracle.py path/to/greenlight [cases]   (exit 0: all agree)
"""

import concurrent.futures
import random
import subprocess
import sys
from datetime import datetime, timedelta, timezone

from croniter import croniter, CroniterBadDateError

SEED = 20250330
CASES = 80
COUNT = 12

MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
# name, low, high, names, base (names[i] stands for the value base + i)
FIELDS = [("minute", 0, 59, None, 0), ("hour", 0, 23, None, 0), ("dom", 1, 31, None, 0),
          ("month", 1, 12, MONTHS, 1), ("dow", 0, 7, DAYS, 0)]
MAX_DAYS = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]


def spelled(rng, value, names, base):
    if names and rng.random() < 0.3 and 0 <= value - base < len(names):
        name = names[value - base]
        return rng.choice([name, name.upper(), name.capitalize()])
    return str(value)


def item(rng, low, high, names, base):
    kind = rng.random()
    if kind < 0.45:
        return spelled(rng, rng.randint(low, high), names, base)
    if kind < 0.8:
        a = rng.randint(low, high)
        b = rng.randint(a, high)
        text = spelled(rng, a, names, base) + "-" + spelled(rng, b, names, base)
        if rng.random() < 0.4:
            text += "/" + str(rng.randint(1, max(1, b - a + 1)))
        return text
    return "*/" + str(rng.choice([1, 2, 3, 5, 7, 10, 15, 20, 30, rng.randint(1, high - low + 2)]))


def field(rng, low, high, names, base):
    if rng.random() < 0.35:
        return "*"
    return ",".join(item(rng, low, high, names, base) for _ in range(rng.choice([1, 1, 1, 2, 3])))


def expand(text, low, high, names, base):
    """The values a field selects, as Debian's cron reads it (day-of-week 7 -> 0)."""
    out = set()
    value = lambda s: (names.index(s.lower()) + base) if s.isalpha() else int(s)
    for part in text.split(","):
        step = 1
        if "/" in part:
            part, s = part.split("/")
            step = int(s)
        if part == "*":
            a, b = low, high
        elif "-" in part:
            a, b = (value(x) for x in part.split("-"))
        else:
            a = b = value(part)
        out.update(range(a, b + 1, step))
    if high == 7:
        out = {0 if v == 7 else v for v in out}
    return out


def agrees_on_day_rule(fields):
    """Debian's cron takes day-of-month OR day-of-week when neither field's text starts with
    `*`; croniter when neither expands to every day. Keep the expressions on which the two
    tests give the same answer."""
    dom, dow = fields[2], fields[4]
    debian_or = not dom.startswith("*") and not dow.startswith("*")
    croniter_or = expand(dom, 1, 31, None, 0) != set(range(1, 32)) and \
        expand(dow, 0, 7, DAYS, 0) != set(range(0, 7))
    return debian_or == croniter_or


def ever_due(fields):
    """greenlight refuses a day-of-month that never occurs in the months (`0 0 31 2 *`)."""
    dom, month, dow = fields[2], fields[3], fields[4]
    if dom.startswith("*") or not dow.startswith("*"):
        return True
    days, months = expand(dom, 1, 31, None, 0), expand(month, 1, 12, MONTHS, 1)
    return any(d <= MAX_DAYS[m] for m in months for d in days)


def croniter_february_bug(fields, froms):
    """croniter 1.3.5, asked from a day in February for a day-of-month February lacks
    (`1,31` from 2033-02-21), adds the missing days to the date and lands in March (on the
    3rd), skipping what March has before that: it answers 2033-03-31, not 2033-03-01."""
    if fields[2] == "*":
        return False
    last = max(expand(fields[2], 1, 31, None, 0))
    return any(t.month == 2 and last > (29 if t.year % 4 == 0 else 28) for t in froms)


def cases(rng, n, left_out):
    start = datetime(2000, 1, 1, tzinfo=timezone.utc)
    span = int((datetime(2036, 1, 1, tzinfo=timezone.utc) - start).total_seconds())
    out = []
    while len(out) < n:
        fields = [field(rng, low, high, names, base) for _, low, high, names, base in FIELDS]
        if not agrees_on_day_rule(fields) or not ever_due(fields):
            continue
        t = start + timedelta(seconds=rng.randrange(span))
        if rng.random() < 0.3:
            t = t.replace(second=0)  # on a minute: `after` is exclusive in both
        expr = " ".join(fields)
        it = croniter(expr, t)
        try:
            want = [it.get_next(datetime) for _ in range(COUNT)]
        except CroniterBadDateError:
            # croniter gives up on some valid expressions: `31 6 fri` (never the 31st of June,
            # but every Friday in June, day-of-month OR day-of-week).
            left_out["croniter gave up"] = left_out.get("croniter gave up", 0) + 1
            continue
        if croniter_february_bug(fields, [t] + want[:-1]):
            left_out["croniter's February bug"] = left_out.get("croniter's February bug", 0) + 1
            continue
        out.append((expr, t, [w.strftime("%Y-%m-%dT%H:%M:%SZ") for w in want]))
    return out


def compare(binary, expr, t, want):
    frm = t.strftime("%Y-%m-%dT%H:%M:%SZ")
    cmd = [binary, "schedule", expr, "--from", frm, "--count", str(COUNT)]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    got = [line.split()[0] for line in r.stdout.splitlines()]
    if r.returncode != 0 or got != want:
        quoted = " ".join(c if " " not in c and "*" not in c else "'" + c + "'" for c in cmd)
        return f"{quoted}\n  exit {r.returncode} {r.stderr.strip()}\n  greenlight: {got}\n  croniter:   {want}"
    return None


def main():
    binary = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else CASES
    left_out = {}
    todo = cases(random.Random(SEED), n, left_out)
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        failures = [f for f in pool.map(lambda c: compare(binary, *c), todo) if f]
    for f in failures[:10]:
        print("MISMATCH", f)
    print(f"{len(todo)} random expressions, {len(todo) * COUNT} due times compared with croniter in UTC: "
          f"{len(failures)} disagree; left out: {left_out or 'none'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
