"""Extract sales records from data/sales.csv, drop the small ones, and load
a per-product summary into $OUTPUT_DIR/summary.csv.

Configuration comes from the environment, the way containers are
configured: MIN_AMOUNT (default 0) and OUTPUT_DIR (default /app/output)."""
import os
import pathlib

import pandas as pd

HERE = pathlib.Path(__file__).resolve().parent.parent


def extract():
    return pd.read_csv(HERE / "data" / "sales.csv")


def transform(df, min_amount):
    kept = df[df["amount"] >= min_amount]
    return kept.groupby("product", as_index=False)["amount"].sum()


def load(summary, out_dir):
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "summary.csv"
    summary.to_csv(path, index=False)
    return path


def main():
    min_amount = int(os.environ.get("MIN_AMOUNT", "0"))
    out_dir = pathlib.Path(os.environ.get("OUTPUT_DIR", "/app/output"))
    df = extract()
    summary = transform(df, min_amount)
    path = load(summary, out_dir)
    print("extracted %d rows, kept %d products with amount >= %d" % (len(df), len(summary), min_amount))
    print("wrote %s" % path)


if __name__ == "__main__":
    main()
