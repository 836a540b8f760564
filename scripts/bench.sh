#!/usr/bin/env bash
# The benchmark suite in one command (issue #8). Benchmarks are not tests: .ci/run never runs this.
#   bash scripts/bench.sh [--quick] [--full] [--only NAME[,NAME...]]
# Runs each benchmark script one after the other (never two at once: they would measure each other) and writes every
# script's output, with the exact command, the machine and the load average at its start, into docs/benchmarks.md
# between the "bench.sh results" markers (a section per benchmark; sections not run this time are kept).
#   --quick  smaller loads and fewer repeats (minutes instead of an hour)
#   --full   dashboards also at 10M irradiation events (long: see docs/benchmarks.md)
# Names: parse, ingest, extract, extract-sql, latency, dashboards, memory, nodes.
set -euo pipefail
cd "$(dirname "$0")/.."
QUICK=; FULL=; ONLY=
while [ $# -gt 0 ]; do
  case $1 in --quick) QUICK=1 ;; --full) FULL=--full ;; --only) ONLY=$2; shift ;; *) echo "unknown argument $1" >&2; exit 2 ;; esac
  shift
done
OUT=$(mktemp -d /tmp/dw-bench-suite.XXXXXX)
trap 'rm -rf "$OUT"' EXIT

# name | title | command (full) | command (quick)
SUITE=(
  "parse|Parsing|bash scripts/bench-parse.sh 5|bash scripts/bench-parse.sh 2"
  "ingest|Ingest: storescu into the running product beside DCMTK storescp|bash scripts/bench-scp.sh|REPS=1 N=50 bash scripts/bench-scp.sh"
  "extract|Extraction in memory beside pydicom|bash scripts/bench-extract.sh 5|bash scripts/bench-extract.sh 2"
  "extract-sql|Extraction to SQL beside pydicom; C-STORE to queryable (API polled)|bash scripts/bench-extract-to-sql.sh 500 200|bash scripts/bench-extract-to-sql.sh 150 60"
  "latency|C-STORE to queryable and to alert (database timestamps)|bash scripts/bench-latency.sh|bash scripts/bench-latency.sh --quick"
  "dashboards|Dashboards: query and page-draw times by data size, SQLite and PostgreSQL|bash scripts/bench-dashboards.sh $FULL|bash scripts/bench-dashboards.sh --quick $FULL"
  "memory|Receiver memory: one large multi-frame instance, 32 associations at once|bash scripts/bench-memory.sh|bash scripts/bench-memory.sh --quick"
  "nodes|Two nodes on PostgreSQL against one|bash scripts/bench-nodes.sh|bash scripts/bench-nodes.sh --quick"
)

status=0
for entry in "${SUITE[@]}"; do
  IFS='|' read -r name title full quick <<<"$entry"
  [ -n "$ONLY" ] && [[ ",$ONLY," != *",$name,"* ]] && continue
  command=$([ -n "$QUICK" ] && echo "$quick" || echo "$full")
  echo "== $name: $command" >&2
  load=$(cut -d' ' -f1-3 /proc/loadavg); started=$(date -u +%FT%H:%MZ); t0=$(date +%s)
  {
    echo "### $title"
    echo
    echo "\`$command\` — started $started, load average at start $load, $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), commit $(git rev-parse --short HEAD)"
    echo
    if out=$(bash -c "$command" 2>&1); then rc=0; else rc=$?; fi
    echo "$out" | sed 's/^\([^|#]\)/    \1/'
    echo
    echo "Took $(( $(date +%s) - t0 )) s$([ $rc -ne 0 ] && echo ", FAILED with exit code $rc")."
  } > "$OUT/$name.md"
  grep -q FAILED "$OUT/$name.md" && status=1
  cat "$OUT/$name.md" >&2
done

/usr/bin/python3 - docs/benchmarks.md "$OUT" <<'PY'
import os, re, sys
path, out = sys.argv[1], sys.argv[2]
begin, end = "<!-- bench.sh results begin -->", "<!-- bench.sh results end -->"
text = open(path, encoding="utf-8").read()
if begin not in text:
    text = text.rstrip("\n") + f"\n\n## Benchmark suite results (scripts/bench.sh)\n\n{begin}\n{end}\n"
head, rest = text.split(begin, 1)
body, tail = rest.split(end, 1)
sections = {m.group(1): m.group(0) for m in re.finditer(r"<!-- section (\S+) -->.*?<!-- /section \1 -->\n", body, re.S)}
order = ["parse", "ingest", "extract", "extract-sql", "latency", "dashboards", "memory", "nodes"]
for name in order:
    f = os.path.join(out, name + ".md")
    if os.path.exists(f):
        sections[name] = f"<!-- section {name} -->\n{open(f, encoding='utf-8').read().strip()}\n<!-- /section {name} -->\n"
body = "\n" + "\n".join(sections[n] for n in order if n in sections)
open(path, "w", encoding="utf-8").write(head + begin + body + end + tail)
PY
echo "docs/benchmarks.md updated" >&2
exit $status
