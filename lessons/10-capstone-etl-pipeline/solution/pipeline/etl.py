"""Extract sales records from $INPUT_FILE, drop the small ones, and load a
per-product summary into $OUTPUT_DIR/summary.csv, logging each run to
$OUTPUT_DIR/etl.log.

Configuration comes from the environment, the way containers are
configured: INPUT_FILE (default data/sales.csv, next to the pipeline
package), MIN_AMOUNT (default 0) and OUTPUT_DIR (default /app/output)."""
import datetime
import os
import pathlib

import pandas as pd

HERE = pathlib.Path(__file__).resolve().parent.parent


def extract(source):
    return pd.read_csv(source)


def transform(df, min_amount):
    kept = df[df["amount"] >= min_amount]
    return kept.groupby("product", as_index=False)["amount"].sum()


def load(summary, out_dir):
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "summary.csv"
    summary.to_csv(path, index=False)
    return path


def log(out_dir, line):
    with open(out_dir / "etl.log", "a") as f:
        f.write("%s %s\n" % (datetime.datetime.now().isoformat(timespec="seconds"), line))


def main():
    source = HERE / os.environ.get("INPUT_FILE", "data/sales.csv")
    min_amount = int(os.environ.get("MIN_AMOUNT", "0"))
    out_dir = pathlib.Path(os.environ.get("OUTPUT_DIR", "/app/output"))
    df = extract(source)
    summary = transform(df, min_amount)
    path = load(summary, out_dir)
    report = "extracted %d rows, kept %d products with amount >= %d" % (len(df), len(summary), min_amount)
    log(out_dir, "%s: %s" % (source.name, report))
    print(report)
    print("wrote %s" % path)


if __name__ == "__main__":
    main()
