"""Score ``nnrecipe.check`` and ``nnrecipe.audit`` on the bug zoo: recall, false alarms, the intended check.

Usage: python benchmarks/bug_zoo.py [--only NAME,NAME] [--fast] [--json PATH]

Every family in ``benchmarks/zoo`` is a buggy set-up and its clean twin. Both get the full
default checks and the audit. A bug is caught when any check fails or the audit reports an
error; a clean twin with any of those is a false alarm. "Intended" counts the bugs whose
own check (or audit finding) is among the failures. Families marked as needing unmerged
work are scored and listed separately.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

from zoo import Family, load_families

import nnrecipe

GOALS = {"recall": 0.95, "false_alarms": 0, "intended": 0.90, "seconds": 10.0}


@dataclasses.dataclass(frozen=True)
class Outcome:
    family: str
    buggy: bool
    failed: list[str]
    warned: list[str]
    audit_errors: list[str]
    hit: bool
    check_seconds: float
    audit_seconds: float

    @property
    def bad(self) -> bool:
        return bool(self.failed or self.audit_errors)

    @property
    def seconds(self) -> float:
        return self.check_seconds + self.audit_seconds


def run_case(family: Family, buggy: bool) -> Outcome:
    """Check and audit one twin of a family."""
    case = family.build(buggy)
    start = time.perf_counter()
    try:
        report = nnrecipe.check(case.model, case.train, case.loss, val=case.val, config=case.config, options=case.options)
        failed = [r.name for r in report.results if r.status == "fail"]
        warned = [r.name for r in report.results if r.status == "warn"]
    except nnrecipe.NnrecipeError as e:  # refused with a clear error (data or options): the user cannot miss it
        failed, warned = [f"refused:{type(e).__name__}"], []
    checked = time.perf_counter()
    try:
        found = nnrecipe.audit(tuple(t.numpy() for t in case.train), val=tuple(t.numpy() for t in case.val) if case.val else None,
                               config=case.audit_config)
        errors = [f.kind for f in found.findings if f.severity == "error"]
    except Exception as e:  # noqa: BLE001 - an audit that crashes on valid data is scored as an error
        errors = [f"crash:{type(e).__name__}"]
    audited = time.perf_counter()
    return Outcome(family.name, buggy, failed, warned, errors, family.hit(failed, errors), checked - start, audited - checked)


def _line(family: Family, out: Outcome) -> str:
    twin = "bug" if out.buggy else "clean"
    if out.buggy:
        verdict = ("caught" if out.bad else "MISSED") + ("" if out.hit or not out.bad else " (not by intended)")
    else:
        verdict = "FALSE ALARM" if out.bad else "ok"
    what = ", ".join(out.failed + [f"audit:{k}" for k in out.audit_errors]) or "-"
    return f"{family.name:30s} {twin:5s} {verdict:24s} {out.seconds:5.1f}s  {what}"


def _score(fams: list[Family], by: dict[tuple[str, bool], Outcome], *, checks: bool = True, audit: bool = True) -> dict[str, object]:
    """Recall, false alarms and intended share, counting check failures and/or audit errors."""
    def bad(o: Outcome) -> bool:
        return bool((checks and o.failed) or (audit and o.audit_errors))

    bugs = [by[(f.name, True)] for f in fams]
    clean = [by[(f.name, False)] for f in fams]
    return {
        "families": len(fams),
        "recall": sum(bad(o) for o in bugs) / max(len(bugs), 1),
        "false_alarms": sum(bad(o) for o in clean),
        "intended": sum(o.hit for o in bugs) / max(len(bugs), 1),
        "missed": [o.family for o in bugs if not bad(o)],
        "false_alarm_families": [o.family for o in clean if bad(o)],
        "not_intended": [o.family for o in bugs if bad(o) and not o.hit],
    }


def summarise(families: list[Family], outcomes: list[Outcome]) -> dict[str, object]:
    by = {(o.family, o.buggy): o for o in outcomes}
    ready = [f for f in families if f.needs is None]
    seconds = [o.seconds for o in outcomes]
    return {
        "all": _score(families, by),
        "merged_work_only": _score(ready, by),
        "checks_alone": _score([f for f in families if not f.is_audit], by, audit=False),
        "audit_alone": _score([f for f in families if f.is_audit], by, checks=False),
        "audit_false_alarms_on_check_families": [f.name for f in families if not f.is_audit and by[(f.name, False)].audit_errors],
        "pending": {f.name: f.needs for f in families if f.needs},
        "seconds_per_case": {"mean": sum(seconds) / len(seconds), "max": max(seconds),
                             "check_max": max(o.check_seconds for o in outcomes)},
        "domains": sorted({f.domain for f in families}),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated family names")
    parser.add_argument("--fast", action="store_true", help="only the families fast enough for the tests")
    parser.add_argument("--json", type=Path, help="also write the outcomes and the summary here")
    args = parser.parse_args()
    families = load_families()
    if args.only:
        names = set(args.only.split(","))
        families = [f for f in families if f.name in names]
    if args.fast:
        families = [f for f in families if f.fast]
    torch.optim.Adam([torch.nn.Parameter(torch.zeros(1))])  # the one-time optimizer import, outside the timings
    print(f"{len(families)} families; load {os.getloadavg()[0]:.1f} (1 min), {os.cpu_count()} cores; torch {torch.__version__}")
    outcomes = []
    for family in families:
        for buggy in (True, False):
            out = run_case(family, buggy)
            outcomes.append(out)
            print(_line(family, out), flush=True)
    summary = summarise(families, outcomes)
    for label, key in (("all families, check + audit", "all"), ("without families waiting for other branches", "merged_work_only"),
                       ("check families, check verdicts alone", "checks_alone"), ("audit families, audit alone", "audit_alone")):
        s = summary[key]
        assert isinstance(s, dict)
        print(f"\n{label} ({s['families']}):")
        print(f"  recall       {s['recall']:.1%}  (goal >= {GOALS['recall']:.0%}); missed: {s['missed'] or 'none'}")
        print(f"  false alarms {s['false_alarms']}      (goal {GOALS['false_alarms']}); on: {s['false_alarm_families'] or 'none'}")
        print(f"  intended     {s['intended']:.1%}  (goal >= {GOALS['intended']:.0%}); caught by another: {s['not_intended'] or 'none'}")
    sec = summary["seconds_per_case"]
    assert isinstance(sec, dict)
    print(f"\nseconds per case (check + audit): mean {sec['mean']:.1f}, max {sec['max']:.1f} (goal <= {GOALS['seconds']:.0f}); "
          f"check alone max {sec['check_max']:.1f}; load {os.getloadavg()[0]:.1f}")
    print("audit errors on clean twins of check families:", summary["audit_false_alarms_on_check_families"] or "none")
    if summary["pending"]:
        print("waiting for other branches:", json.dumps(summary["pending"], indent=1))
    if args.json:
        args.json.write_text(json.dumps({"summary": summary, "outcomes": [dataclasses.asdict(o) for o in outcomes]}, indent=1))


if __name__ == "__main__":
    main()
