"""A small report job: sums the day's sales and writes a CSV."""
import csv
import pathlib

sales = {"widgets": 4, "gadgets": 2}
out = pathlib.Path("/app/output/report.csv")
out.parent.mkdir(parents=True, exist_ok=True)
with out.open("w", newline="") as f:
    w = csv.writer(f)
    for item, n in sales.items():
        w.writerow([item, n])
    w.writerow(["total", sum(sales.values())])
print(f"wrote {out}")
