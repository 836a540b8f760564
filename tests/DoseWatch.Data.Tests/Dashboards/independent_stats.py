#!/usr/bin/python3
"""Box quartiles and rolling quantiles with Python's statistics module, for checking the dashboard queries.

stdin: {"boxes": {"group": [values...]}, "rolling": {"window": days, "from": "YYYY-MM-DD", "values": [["YYYY-MM-DD", v], ...]}}
stdout: {"boxes": {"group": [n, min, p25, median, p75, max, mean]}, "rolling": [["YYYY-MM-DD", window_n, p25, median, p75], ...]}
Quartiles are statistics.quantiles(method="inclusive"), i.e. linear interpolation between order statistics (type 7).
"""
import datetime
import json
import statistics
import sys


def quartiles(values):
    if len(values) == 1:
        return [values[0]] * 3
    return statistics.quantiles(values, n=4, method="inclusive")


def main():
    request = json.load(sys.stdin)
    boxes = {}
    for group, values in request.get("boxes", {}).items():
        q1, q2, q3 = quartiles(values)
        boxes[group] = [len(values), min(values), q1, q2, q3, max(values), statistics.fmean(values)]
    rolling = []
    spec = request.get("rolling")
    if spec:
        window = spec["window"]
        start = datetime.date.fromisoformat(spec["from"])
        values = [(datetime.date.fromisoformat(d), v) for d, v in spec["values"]]
        for day in sorted({d for d, _ in values if d >= start}):
            inside = [v for d, v in values if day - datetime.timedelta(days=window - 1) <= d <= day]
            q1, q2, q3 = quartiles(inside)
            rolling.append([day.isoformat(), len(inside), q1, q2, q3])
    json.dump({"boxes": boxes, "rolling": rolling}, sys.stdout)


if __name__ == "__main__":
    main()
