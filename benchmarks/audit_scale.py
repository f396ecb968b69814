"""How fast and how lean the audit is on large data (issues 4 and 13).

Prints, each from a fresh subprocess so that its peak memory is its own:

- ``memmap``: 10,000,000 x 64 float32 in a memory-mapped ``.npy`` (9M train, 1M val) with
  planted exact and near duplicates and exact and near copies of train rows in val: wall
  and CPU time, peak memory, recall of every planted kind (targets: <= 5 min, <= 4 GiB on
  2 cores, recall >= 0.99);
- ``ratio``: the same at 1,000,000 rows, and peak(10M) / peak(1M) (target <= 1.3);
- ``images``: a folder of 200,000 generated 16x16 PNGs in 10 classes with planted corrupt
  files, copied files and images of another size: time, peak memory, every fault found;
- ``inmemory``: 1,000,000 x 64 in memory (issue 4's figure), next to the same audit by a
  baseline revision of nnrecipe (``--baseline``, default the commit before issue 13) run in
  the same invocation: the ratio of wall time, CPU time and peak memory;
- ``compare``: against cleanlab's Datalab on 50,000 x 128 (needs ``cleanlab[datalab]``).

Generated data goes to ``--data-dir`` (default ``/work/tmp-audit``) and is reused; delete it
afterwards. Usage::

    python benchmarks/audit_scale.py --only memmap          # or ratio, images, inmemory, compare
    python benchmarks/audit_scale.py --quick                # every part at a small size

The load average before and after each measurement is printed with it: the machine may be
shared, and CPU time is the figure least disturbed by other work.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
BASELINE = "ef883e9"  # the last commit before issue 13: every split read into memory


def make_data(n: int, d: int, *, near: int, exact: int, outliers: int, seed: int = 0) -> dict[str, Any]:
    """A 50-cluster Gaussian mixture with planted near duplicates, exact duplicates, outliers."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 3, size=(50, d)).astype(np.float32)
    comp = rng.integers(0, 50, n)
    X = np.empty((n, d), dtype=np.float32)
    for lo in range(0, n, 100_000):  # chunked: no float64 temporaries of the whole array
        hi = min(n, lo + 100_000)
        X[lo:hi] = centres[comp[lo:hi]] + rng.standard_normal((hi - lo, d), dtype=np.float32)
    y = (comp % 10).astype(np.int64)
    slots = rng.permutation(n)[: 2 * near + 2 * exact + outliers]
    src, near_at = slots[:near], slots[near : 2 * near]
    X[near_at] = X[src] + rng.normal(0, 0.01, size=(near, d)).astype(np.float32)
    y[near_at] = y[src]
    esrc, exact_at = slots[2 * near : 2 * near + exact], slots[2 * near + exact : 2 * near + 2 * exact]
    X[exact_at] = X[esrc]
    y[exact_at] = y[esrc]
    out_at = slots[2 * near + 2 * exact :]
    X[out_at] = rng.normal(0, 6, size=(outliers, d)).astype(np.float32)
    return {"X": X, "y": y, "near": near_at, "exact": exact_at, "outliers": out_at}


# ---------------------------------------------------------------- memory-mapped data


def write_memmap(folder: Path, n: int, d: int = 64, *, seed: int = 0) -> Path:
    """``X.npy`` (memory-mappable), ``y.npy`` and ``planted.json`` for n rows: the last tenth
    is val. Planted: near and exact duplicates inside train, exact and near copies of train
    rows in val, 0.02% of the rows each. Reused when present."""
    out = folder / f"memmap-{n}x{d}"
    if (out / "planted.json").exists():
        return out
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 3, size=(50, d)).astype(np.float32)
    X = np.lib.format.open_memmap(out / "X.npy", mode="w+", dtype=np.float32, shape=(n, d))
    y = np.empty(n, np.int64)
    for lo in range(0, n, 500_000):
        hi = min(n, lo + 500_000)
        comp = rng.integers(0, 50, hi - lo)
        X[lo:hi] = centres[comp] + rng.standard_normal((hi - lo, d), dtype=np.float32)
        y[lo:hi] = comp % 10
    train_n = n - n // 10
    k = max(10, n // 5000)
    slots = rng.choice(train_n, size=6 * k, replace=False)
    src, near, esrc, exact, lsrc, nsrc = (slots[i * k : (i + 1) * k] for i in range(6))
    val_slots = train_n + rng.choice(n - train_n, size=2 * k, replace=False)
    leak_exact, leak_near = val_slots[:k], val_slots[k:]
    noise = lambda m: rng.normal(0, 0.01, size=(m, d)).astype(np.float32)
    X[near] = X[src] + noise(k)
    X[exact] = X[esrc]
    X[leak_exact] = X[lsrc]
    X[leak_near] = X[nsrc] + noise(k)
    y[near], y[exact], y[leak_exact], y[leak_near] = y[src], y[esrc], y[lsrc], y[nsrc]
    X.flush()
    del X
    np.save(out / "y.npy", y)
    planted = {
        "train": train_n, "near": near.tolist(), "exact": exact.tolist(),
        "leak_exact": (leak_exact - train_n).tolist(), "leak_near": (leak_near - train_n).tolist(),
    }
    (out / "planted.json").write_text(json.dumps(planted))
    return out


def run_memmap(folder: str, max_memory: str) -> dict[str, Any]:
    from nnrecipe import AuditConfig, audit

    X = np.load(Path(folder) / "X.npy", mmap_mode="r")
    y = np.load(Path(folder) / "y.npy", mmap_mode="r")
    planted = json.loads((Path(folder) / "planted.json").read_text())
    t = planted["train"]
    start, cpu = time.perf_counter(), _cpu_seconds()
    report = audit((X[:t], y[:t]), val=(X[t:], y[t:]), config=AuditConfig(label_errors=False, max_memory=max_memory))
    seconds, cpu = time.perf_counter() - start, _cpu_seconds() - cpu
    found = {k: {i for _, i in report.flagged(k)} for k in ("near_duplicates", "exact_duplicates", "leakage", "near_leakage")}
    recall = lambda kind, ids: float(np.mean([i in found[kind] for i in ids]))
    return {
        "seconds": seconds, "cpu_seconds": cpu, "peak_mib": _peak_mib(),
        "recall": {
            "near duplicates": recall("near_duplicates", planted["near"]),
            "exact duplicates": recall("exact_duplicates", planted["exact"]),
            "exact copies in val": recall("leakage", planted["leak_exact"]),
            "near copies in val": recall("near_leakage", planted["leak_near"]),
        },
        "flagged_near": len(found["near_duplicates"]), "index": report.summary.neighbors.index,  # type: ignore[union-attr]
        "timings": dict(report.summary.timings),
    }


# ---------------------------------------------------------------- image folder


def write_images(folder: Path, n: int, *, seed: int = 0) -> Path:
    """n 16x16 RGB PNGs in 10 class folders: 0.1% corrupt files (truncated), 0.1% byte copies
    of another image of the class, 0.05% of size 17x16. Reused when present."""
    from PIL import Image

    out = folder / f"images-{n}"
    if (out / "planted.json").exists():
        return out
    shutil.rmtree(out, ignore_errors=True)
    rng = np.random.default_rng(seed)
    pattern = rng.integers(0, 256, size=(10, 16, 16, 3))
    paths = []
    for i in range(n):
        c = i % 10
        d = out / f"class{c}"
        d.mkdir(parents=True, exist_ok=True)
        img = np.clip(pattern[c] + rng.integers(-60, 60, size=(16, 16, 3)), 0, 255).astype(np.uint8)
        p = d / f"{i:07d}.png"
        Image.fromarray(img).save(p, compress_level=1)
        paths.append(p)
    k = max(5, n // 1000)
    pick = rng.choice(n, size=k + k // 2 + k, replace=False)
    corrupt, odd, sources = pick[:k], pick[k : k + k // 2], pick[k + k // 2 :]
    for i in corrupt:
        data = paths[i].read_bytes()
        paths[i].write_bytes(data[: len(data) // 2])
    for j in sources:
        shutil.copyfile(paths[j], paths[j].with_name(paths[j].stem + "-copy.png"))
    for i in odd:
        Image.fromarray(rng.integers(0, 256, size=(16, 17, 3), dtype=np.uint8)).save(paths[i])
    planted = {
        "corrupt": sorted(str(paths[i]) for i in corrupt),
        "copies": sorted(str(paths[j].with_name(paths[j].stem + "-copy.png")) for j in sources),
        "odd": sorted(str(paths[i]) for i in odd),
    }
    (out / "planted.json").write_text(json.dumps(planted))
    return out


def run_images(folder: str, max_memory: str) -> dict[str, Any]:
    from nnrecipe import AuditConfig, audit
    from nnrecipe._audit._image_folder import ImageFolderSource

    planted = json.loads((Path(folder) / "planted.json").read_text())
    start, cpu = time.perf_counter(), _cpu_seconds()
    report = audit(folder, config=AuditConfig(label_errors=False, max_memory=max_memory))
    seconds, cpu = time.perf_counter() - start, _cpu_seconds() - cpu
    files = ImageFolderSource(Path(folder), "train").files  # the same sorted order as the audit's
    named = lambda kind: {str(files[i]) for _, i in report.flagged(kind)}
    found = {"corrupt": named("unreadable"), "copies": named("exact_duplicates"), "odd": named("wrong_shape")}
    return {
        "seconds": seconds, "cpu_seconds": cpu, "peak_mib": _peak_mib(), "files": len(files),
        "found": {k: f"{len(set(v) & found[k])}/{len(v)}" for k, v in planted.items()},
        "timings": dict(report.summary.timings),
    }


# ---------------------------------------------------------------- in memory, against a baseline


def run_inmemory(n: int) -> dict[str, Any]:
    from nnrecipe import AuditConfig, audit

    data = make_data(n, 64, near=1000, exact=1000, outliers=0)
    before = _peak_mib()
    start, cpu = time.perf_counter(), _cpu_seconds()
    report = audit((data["X"], data["y"]), config=AuditConfig(label_errors=False))
    seconds, cpu = time.perf_counter() - start, _cpu_seconds() - cpu
    near = {i for _, i in report.flagged("near_duplicates")}
    exact = {i for _, i in report.flagged("exact_duplicates")}
    timings = report.summary.timings if hasattr(report.summary, "timings") else report.summary["timings"]
    return {
        "seconds": seconds, "cpu_seconds": cpu, "peak_mib": _peak_mib(), "peak_mib_before_audit": before,
        "recall_near": float(np.mean([i in near for i in data["near"]])),
        "recall_exact": float(np.mean([i in exact for i in data["exact"]])),
        "timings": dict(timings),
    }


def run_datalab(n: int, d: int, near: int, outliers: int) -> dict[str, Any]:
    from cleanlab import Datalab

    data = make_data(n, d, near=near, exact=0, outliers=outliers)
    start = time.perf_counter()
    lab = Datalab(data={"y": data["y"]}, label_name="y", verbosity=0)
    lab.find_issues(features=data["X"], issue_types={"near_duplicate": {}, "outlier": {}})
    seconds = time.perf_counter() - start
    near_found = set(np.flatnonzero(lab.get_issues("near_duplicate")["is_near_duplicate_issue"].to_numpy()))
    out_found = set(np.flatnonzero(lab.get_issues("outlier")["is_outlier_issue"].to_numpy()))
    return {"seconds": seconds, "peak_mib": _peak_mib(), "recall_near": float(np.mean([i in near_found for i in data["near"]])),
            "recall_outliers": float(np.mean([i in out_found for i in data["outliers"]]))}


def run_nnrecipe_compare(n: int, d: int, near: int, outliers: int) -> dict[str, Any]:
    from nnrecipe import AuditConfig, audit

    data = make_data(n, d, near=near, exact=0, outliers=outliers)
    start = time.perf_counter()
    report = audit((data["X"], data["y"]), config=AuditConfig(label_errors=False))
    seconds = time.perf_counter() - start
    near_found = {i for _, i in report.flagged("near_duplicates")}
    out_found = {i for _, i in report.flagged("outliers")}
    return {"seconds": seconds, "peak_mib": _peak_mib(), "recall_near": float(np.mean([i in near_found for i in data["near"]])),
            "recall_outliers": float(np.mean([i in out_found for i in data["outliers"]]))}


# ---------------------------------------------------------------- plumbing


def _peak_mib() -> float:
    """This process's peak resident memory (VmHWM). Not ``ru_maxrss``: after fork and exec
    that also counts the parent's memory at the fork (Linux carries it into the child)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # KiB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _cpu_seconds() -> float:
    """CPU time of this process, all threads: unlike wall time, not inflated by other load."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _load() -> str:
    return "/".join(f"{v:.1f}" for v in os.getloadavg())


_RUNNERS = {"memmap": run_memmap, "images": run_images, "inmemory": run_inmemory, "datalab": run_datalab, "compare": run_nnrecipe_compare}


def _child(which: str, *args: Any, pythonpath: str | None = None) -> dict[str, Any]:
    env = dict(os.environ)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    load = _load()
    out = subprocess.run(
        [sys.executable, __file__, "--child", which, json.dumps(args)], capture_output=True, text=True, check=False, env=env
    )
    if out.returncode != 0:
        tail = out.stderr.strip().splitlines()[-3:] if out.stderr.strip() else [f"exit {out.returncode}"]
        return {"failed": " | ".join(tail)}
    result = dict(json.loads(out.stdout.strip().splitlines()[-1]))
    result["load"] = f"{load} before, {_load()} after (1/5/15-minute averages)"
    return result


def _report(name: str, r: dict[str, Any]) -> None:
    if "failed" in r:
        print(f"   {name}: failed: {r['failed']}")
        return
    print(f"   {name}: {r['seconds']:.1f} s wall, {r['cpu_seconds']:.1f} s CPU, peak {r['peak_mib'] / 1024:.2f} GiB; load {r['load']}")
    for key in ("recall", "found"):
        if key in r:
            print(f"      {key}: " + ", ".join(f"{k} {v if isinstance(v, str) else f'{v:.3f}'}" for k, v in r[key].items()))
    print(f"      phases (s): {r['timings']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=("memmap", "ratio", "images", "inmemory", "compare"), help="run one part")
    parser.add_argument("--quick", action="store_true", help="small sizes: 200k rows, 20k images, 100k in memory")
    parser.add_argument("--data-dir", default="/work/tmp-audit", help="where generated data goes")
    parser.add_argument("--max-memory", default="2GiB", help="the audit's max_memory")
    parser.add_argument("--rows", type=int, help="rows of the memory-mapped figure (default 10M, or 200k with --quick)")
    parser.add_argument("--baseline", default=BASELINE, help="git revision measured next to the in-memory figure")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_RUNNERS[args.child[0]](*json.loads(args.child[1]))))
        return
    folder = Path(args.data_dir)
    big, small, images, inmem, cmp_n = (200_000, 20_000, 20_000, 100_000, 10_000) if args.quick else (10_000_000, 1_000_000, 200_000, 1_000_000, 50_000)
    big = args.rows or big
    parts = [args.only] if args.only else ["memmap", "ratio", "images", "inmemory", "compare"]
    if "memmap" in parts or "ratio" in parts:
        print(f"memory-mapped {big:,} x 64 (9/10 train, 1/10 val), label errors off, max_memory {args.max_memory}")
        large = _child("memmap", str(write_memmap(folder, big)), args.max_memory)
        _report(f"{big:,} rows", large)
        if "ratio" in parts:
            one = _child("memmap", str(write_memmap(folder, small)), args.max_memory)
            _report(f"{small:,} rows", one)
            if "failed" not in one and "failed" not in large:
                print(f"   peak({big:,}) / peak({small:,}) = {large['peak_mib'] / one['peak_mib']:.2f} (target <= 1.3)")
    if "images" in parts:
        print(f"image folder: {images:,} generated 16x16 PNGs, label errors off")
        _report(f"{images:,} images", _child("images", str(write_images(folder, images)), args.max_memory))
    if "inmemory" in parts:
        _inmemory(inmem, args.baseline)
    if "compare" in parts:
        _compare(cmp_n)


def _inmemory(n: int, rev: str) -> None:
    print(f"in memory: {n:,} x 64, 1,000 near and 1,000 exact duplicates, label errors off")
    ours = _child("inmemory", n)
    _report("this tree", ours)
    print(f"      recall near {ours.get('recall_near')}, exact {ours.get('recall_exact')}")
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "src"], capture_output=True, check=False)
        if archive.returncode != 0:
            print(f"   baseline {rev}: not available ({archive.stderr.decode().strip()})")
            return
        subprocess.run(["tar", "-x", "-C", tmp], input=archive.stdout, check=True)
        base = _child("inmemory", n, pythonpath=str(Path(tmp) / "src"))
    _report(f"baseline {rev}", base)
    if "failed" not in ours and "failed" not in base:
        print(
            f"   this tree / baseline: wall {ours['seconds'] / base['seconds']:.2f}, CPU {ours['cpu_seconds'] / base['cpu_seconds']:.2f}, "
            f"peak {ours['peak_mib'] / base['peak_mib']:.2f} (target <= 1 for each)"
        )


def _compare(n: int) -> None:
    print(f"{n:,} x 128 with {n // 200} near duplicates and {n // 200} outliers planted, against cleanlab's Datalab")
    ours = _child("compare", n, 128, n // 200, n // 200)
    theirs = _child("datalab", n, 128, n // 200, n // 200)
    for name, res in (("nnrecipe audit", ours), ("cleanlab Datalab", theirs)):
        if "failed" in res:
            print(f"   {name:17s} failed: {res['failed']}")
            continue
        print(f"   {name:17s} {res['seconds']:7.1f} s  recall near {res['recall_near']:.3f}  recall outliers {res['recall_outliers']:.3f}  peak {res['peak_mib']:.0f} MiB; load {res['load']}")
    if "failed" not in ours and "failed" not in theirs:
        print(f"   speed-up: {theirs['seconds'] / ours['seconds']:.1f}x")


if __name__ == "__main__":
    main()
