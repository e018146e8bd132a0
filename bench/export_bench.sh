#!/usr/bin/env bash
# `floe export` throughput and compression beside DuckDB's COPY of the same input, in the
# same run (bench/README.md has the pattern; DuckDB through bench/peer/duckdb_timer.mjs).
#
#   bench/export_bench.sh [--rows N] [--events-1kb-mb M] [--events-225kb-mb M] [--rounds R]
#
# Inputs (generated once into $FLOE_BENCH_DIR, default build/bench-data, by
# parquet_vs_duckdb_bench's `gen` mode): the query-log CSV (default 2,000,000 rows, the
# query-performance shape) and NDJSON events of about 1 KB and about 225 KB. Each case:
# `floe export INPUT --schema S --output DIR --force --progress never` (zstd, the CLI end to
# end: reading, parsing, encoding, fsync'd atomic publish, state file) against
# `COPY (SELECT ... FROM read_csv/read_json(... explicit columns ...)) TO OUT (FORMAT parquet,
# COMPRESSION zstd)` at DuckDB's default threads. Reported: input MB/s (uncompressed input
# bytes / best wall seconds of R rounds), output bytes, and floe/DuckDB ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
FLOE=${FLOE:-$BUILD/floe}
GEN=${GEN:-$BUILD/bench/parquet_vs_duckdb_bench}
DATA=${FLOE_BENCH_DIR:-$BUILD/bench-data}
rows=2000000; small_mb=200; large_mb=500; rounds=2
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) rows=$2; shift ;;
    --events-1kb-mb) small_mb=$2; shift ;;
    --events-225kb-mb) large_mb=$2; shift ;;
    --rounds) rounds=$2; shift ;;
    -h|--help) sed -n '2,/^[^#]/{/^#/p}' "$0"; exit 0 ;;
    *) echo "export_bench: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
[ -x "$FLOE" ] || { echo "export_bench: $FLOE not built" >&2; exit 1; }
[ -x "$GEN" ] || { echo "export_bench: $GEN not built (the input generator)" >&2; exit 1; }
mkdir -p "$DATA"
csv=$DATA/export-queries-$rows.csv
e1=$DATA/export-events-1kb-$small_mb.ndjson
e2=$DATA/export-events-225kb-$large_mb.ndjson
[ -f "$csv" ] || "$GEN" gen query-log-csv --rows "$rows" -o "$csv"
[ -f "$DATA/export-queries.schema.json" ] ||
  "$GEN" gen query-log-jsonl --rows 10 -o "$DATA/export-q10.jsonl" --schema-out "$DATA/export-queries.schema.json"
[ -f "$e1" ] || "$GEN" gen events-1kb --mb "$small_mb" -o "$e1" --schema-out "$DATA/export-events.schema.json"
[ -f "$e2" ] || "$GEN" gen events-225kb --mb "$large_mb" -o "$e2"

out=$DATA/export-out
rm -rf "$out"; mkdir -p "$out"

floe_case() {  # floe_case LABEL INPUT SCHEMA -> "seconds bytes"
  local best=999999 bytes=0
  for _ in $(seq "$rounds"); do
    rm -rf "$out/floe-$1"
    local t0 t1
    t0=$(date +%s.%N)
    "$FLOE" export "$2" --schema "$3" --output "$out/floe-$1" --force --progress never >/dev/null
    t1=$(date +%s.%N)
    best=$(python3 -c "print(min($best, $t1 - $t0))")
  done
  bytes=$(find "$out/floe-$1" -name '*.parquet' -printf '%s\n' | awk '{s+=$1} END {print s}')
  echo "$best $bytes"
}

# DuckDB's side reads the same explicit column types (the constants in bench/gen/*.h that
# parquet_vs_duckdb_bench uses), written as JSON by python for correct escaping.
python3 - "$out/jobs.json" "$csv" "$e1" "$e2" "$out" "$rounds" <<'PY'
import json, re, sys
jobs_path, csv, e1, e2, out, rounds = sys.argv[1:]
def const(path, name):
    text = open(path).read()
    body = text[text.index("std::string_view " + name):].split("=", 1)[1].split(";", 1)[0]
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', body))
qcols = const("bench/gen/query_log.h", "kQueryLogDuckDbColumns")
ecols = const("bench/gen/events.h", "kEventDuckDbColumns")
esel = const("bench/gen/events.h", "kEventDuckDbSelect")
q = lambda s: "'" + s.replace("'", "''") + "'"
def job(label, select, source, dst):
    return {"label": label, "reps": int(rounds), "warmup": 0, "output": dst,
            "sql": f"COPY (SELECT {select} FROM {source}) TO {q(dst)} (FORMAT parquet, COMPRESSION zstd)"}
jobs = [
  job("csv", "*", f"read_csv({q(csv)}, header = true, auto_detect = false, columns = {qcols})", f"{out}/duck-csv.parquet"),
  job("events-1kb", esel, f"read_json({q(e1)}, format = 'newline_delimited', auto_detect = false, columns = {ecols})", f"{out}/duck-e1.parquet"),
  job("events-225kb", esel, f"read_json({q(e2)}, format = 'newline_delimited', auto_detect = false, columns = {ecols}, maximum_object_size = 67108864)", f"{out}/duck-e2.parquet"),
]
json.dump({"settings": [], "jobs": jobs}, open(jobs_path, "w"))
PY
duck=$(node --expose-gc bench/peer/duckdb_timer.mjs "$out/jobs.json" 2>&1 || true)

printf '%-14s %10s %12s %12s %12s %12s %8s %8s\n' case input_MB floe_MB/s duck_MB/s floe_bytes duck_bytes speed size
for c in "csv:$csv:$DATA/export-queries.schema.json" "events-1kb:$e1:$DATA/export-events.schema.json" \
         "events-225kb:$e2:$DATA/export-events.schema.json"; do
  IFS=: read -r label input schema <<< "$c"
  read -r fs fb <<< "$(floe_case "$label" "$input" "$schema")"
  mb=$(python3 -c "import os; print(os.path.getsize('$input') / 1e6)")
  line=$(echo "$duck" | grep "\"label\":\"$label\"" || true)
  ds=$(echo "$line" | python3 -c "import json,sys; l=sys.stdin.read().strip(); print(json.loads(l).get('best', 0) if l else 0)")
  db=$(echo "$line" | python3 -c "import json,sys; l=sys.stdin.read().strip(); print(json.loads(l).get('bytes', 0) if l else 0)")
  python3 -c "
mb, fs, fb, ds, db = $mb, $fs, $fb, $ds, $db
speed = (ds / fs) if ds else float('nan'); size = (fb / db) if db else float('nan')
print(f'{\"$label\":<14} {mb:10.1f} {mb/fs:12.1f} {(mb/ds if ds else 0):12.1f} {fb:12d} {db:12d} {speed:7.2f}x {size:7.2f}x')"
done
echo "(speed = floe MB/s / DuckDB MB/s, aim >= 2; size = floe bytes / DuckDB bytes, aim <= 1)"
