"""Benchmark ``featurize import``: time and memory against pandas, store size against the raw float32 bytes.

For a ROWS x COLS table written as CSV and as Parquet, measures in the same run:

1. the import (read, check, write the store) against ``pandas.read_csv`` / ``pandas.read_parquet`` of the same
   file (goal: import <= 1.5x the pandas read);
2. the peak resident memory of each (``ru_maxrss`` of a fresh child process);
3. the store's size against ``ROWS * COLS * 4`` bytes (goal: <= 1.2x), for ROWS and for small tables
   (100, 1000 rows).

Run by hand: ``python benchmarks/bench_import.py --rows 100000 --cols 500``.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

CHILD = """
import resource, sys, time
kind, path, out = sys.argv[1:4]
start = time.perf_counter()
if kind == "pandas-csv":
    import pandas; pandas.read_csv(path)
elif kind == "pandas-parquet":
    import pandas; pandas.read_parquet(path)
else:
    from featurize.importing import plan_import, write_import
    from pathlib import Path
    write_import(Path(out), [plan_import(Path(path), name="bench")], argv=["bench"])
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def measure(kind: str, path: Path, out: Path) -> tuple[float, float]:
    """Seconds and peak MiB of one read or import in a fresh process (so peaks do not mix)."""
    out.unlink(missing_ok=True)
    result = subprocess.run(
        [sys.executable, "-c", CHILD, kind, str(path), str(out)], check=True, capture_output=True, text=True
    )
    seconds, peak = result.stdout.split()
    return float(seconds), float(peak)


def write_table(folder: Path, rows: int, cols: int) -> tuple[Path, Path]:
    import pandas as pd

    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.standard_normal((rows, cols)).astype(np.float32), columns=[f"F {j}" for j in range(cols)])
    frame.insert(0, "id", [f"t{i}" for i in range(rows)])
    csv, parquet = folder / "table.csv", folder / "table.parquet"
    frame.to_csv(csv, index=False, float_format="%.6g")
    frame.to_parquet(parquet)
    return csv, parquet


def bench(rows: int, cols: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        csv, parquet = write_table(folder, rows, cols)
        store = folder / "store.h5"
        for table, anchor in ((csv, "pandas-csv"), (parquet, "pandas-parquet")):
            base, base_peak = measure(anchor, table, store)
            took, peak = measure("import", table, store)
            size = store.stat().st_size / (rows * cols * 4)
            print(
                f"{rows} x {cols} {table.suffix[1:]:8s}: import {took:.2f} s vs {anchor} {base:.2f} s -> "
                f"ratio {took / base:.2f} (goal <= 1.5); peak {peak:.0f} MiB vs {base_peak:.0f} MiB; "
                f"store {size:.2f}x raw float32 (goal <= 1.2)"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--cols", type=int, default=500)
    args = parser.parse_args()
    for rows in sorted({100, 1000, args.rows}):
        bench(rows, args.cols)
    print(f"parent peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
