#!/usr/bin/env bash
# `floe export` throughput and compression beside DuckDB's COPY of the same input, in the
# same run (bench/README.md has the pattern; DuckDB through bench/peer/duckdb_timer.mjs).
#
#   bench/export_bench.sh [--rows N] [--events-1kb-mb M] [--events-225kb-mb M] [--rounds R]
#
# Inputs (generated once into $FLOE_BENCH_DIR, default build/bench-data, by
# parquet_vs_duckdb_bench's `gen` mode, $GEN): the query-log CSV (default 2,000,000 rows, the
# query-performance shape) and NDJSON events of about 1 KB and about 225 KB. Each case:
# `floe export INPUT --schema S --output DIR --force --progress never` (default settings:
# zstd, the CLI end to end: reading, parsing, encoding, fsync'd atomic publish, state file)
# against `COPY (SELECT ... FROM read_csv/read_json(... explicit columns ...)) TO OUT (FORMAT
# parquet, COMPRESSION zstd)` at DuckDB's default threads. The two run alternately, R rounds
# (default 3), so that both see the same machine (it may be shared). Reported: input MB/s
# (input bytes / best wall seconds), the CPU ratio (DuckDB's best user+system seconds / floe's),
# output bytes, and the floe/DuckDB ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
FLOE=${FLOE:-$BUILD/floe}
GEN=${GEN:-$BUILD/bench/parquet_vs_duckdb_bench}
DATA=${FLOE_BENCH_DIR:-$BUILD/bench-data}
rows=2000000; small_mb=200; large_mb=500; rounds=3
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
gen() {
  [ -x "$GEN" ] || { echo "export_bench: $GEN not built (the input generator)" >&2; exit 1; }
  "$GEN" gen "$@"
}
mkdir -p "$DATA"
csv=$DATA/export-queries-$rows.csv
e1=$DATA/export-events-1kb-$small_mb.ndjson
e2=$DATA/export-events-225kb-$large_mb.ndjson
[ -f "$csv" ] || gen query-log-csv --rows "$rows" -o "$csv"
[ -f "$DATA/export-queries.schema.json" ] ||
  gen query-log-jsonl --rows 10 -o "$DATA/export-q10.jsonl" --schema-out "$DATA/export-queries.schema.json"
[ -f "$e1" ] || gen events-1kb --mb "$small_mb" -o "$e1" --schema-out "$DATA/export-events.schema.json"
[ -f "$e2" ] || gen events-225kb --mb "$large_mb" -o "$e2"

out=$DATA/export-out
rm -rf "$out"; mkdir -p "$out"

# DuckDB's side reads the same explicit column types (the constants in bench/gen/*.h that
# parquet_vs_duckdb_bench uses), written as JSON by python for correct escaping: one jobs
# file per case, each one timed run.
python3 - "$out" "$csv" "$e1" "$e2" <<'PY'
import json, re, sys
out, csv, e1, e2 = sys.argv[1:]
def const(path, name):
    text = open(path).read()
    body = text[text.index("std::string_view " + name):].split("=", 1)[1].split(";", 1)[0]
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', body))
qcols = const("bench/gen/query_log.h", "kQueryLogDuckDbColumns")
ecols = const("bench/gen/events.h", "kEventDuckDbColumns")
esel = const("bench/gen/events.h", "kEventDuckDbSelect")
q = lambda s: "'" + s.replace("'", "''") + "'"
def job(label, select, source, dst):
    spec = {"settings": [], "jobs": [{"label": label, "reps": 1, "warmup": 0, "output": dst,
            "sql": f"COPY (SELECT {select} FROM {source}) TO {q(dst)} (FORMAT parquet, COMPRESSION zstd)"}]}
    json.dump(spec, open(f"{out}/duck-{label}.json", "w"))
job("csv", "*", f"read_csv({q(csv)}, header = true, auto_detect = false, columns = {qcols})", f"{out}/duck-csv.parquet")
job("events-1kb", esel, f"read_json({q(e1)}, format = 'newline_delimited', auto_detect = false, columns = {ecols})", f"{out}/duck-e1.parquet")
job("events-225kb", esel, f"read_json({q(e2)}, format = 'newline_delimited', auto_detect = false, columns = {ecols}, maximum_object_size = 67108864)", f"{out}/duck-e2.parquet")
PY

best() { python3 -c "import sys; print(min(float(x) for x in sys.argv[1:]))" "$@"; }

# Runs a command (its output discarded); prints its wall seconds and CPU seconds (user +
# system), to the microsecond (GNU time's %e is to the hundredth, 2% of a 0.45 s run).
timed() {
  python3 - "$@" <<'PY'
import os, subprocess, sys, time
t0 = time.perf_counter()
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_, status, ru = os.wait4(p.pid, 0)
wall = time.perf_counter() - t0
if status != 0:
    sys.exit(f"export_bench: {sys.argv[1]} exited with status {status}")
print(f"{wall:.6f} {ru.ru_utime + ru.ru_stime:.6f}")
PY
}

# One case: `rounds` times DuckDB then floe, alternating, so that both see the same machine.
# Prints "floe_wall floe_cpu floe_bytes duck_wall duck_cpu duck_bytes" (best of the rounds).
run_case() {  # run_case LABEL INPUT SCHEMA
  local fw=() fc=() dw=() dc=() fb=0 db=0
  for _ in $(seq "$rounds"); do
    local line
    sync  # neither run pays for the other's unwritten output (floe fsyncs what it publishes)
    line=$(node --expose-gc bench/peer/duckdb_timer.mjs "$out/duck-$1.json" 2>&1 | grep "\"label\":\"$1\"" || true)
    if [ -n "$line" ] && ! echo "$line" | grep -q '"error"'; then
      read -r w c b <<< "$(echo "$line" | python3 -c "import json,sys; j=json.loads(sys.stdin.read()); print(j['best'], j['cpu_seconds'][0], j.get('bytes', 0))")"
      dw+=("$w"); dc+=("$c"); db=$b
    fi
    rm -rf "$out/floe-$1"
    sync
    local t
    t=$(timed "$FLOE" export "$2" --schema "$3" --output "$out/floe-$1" --force --progress never)
    read -r w c <<< "$t"
    fw+=("$w"); fc+=("$c")
  done
  fb=$(find "$out/floe-$1" -name '*.parquet' -printf '%s\n' | awk '{s+=$1} END {print s}')
  # The median of the rounds' own ratios: each round's two runs are back to back, so a
  # machine that speeds up or slows down over the minutes moves both.
  local paired=nan
  if [ ${#dw[@]} -eq ${#fw[@]} ]; then
    paired=$(python3 -c "import statistics, sys; n = len(sys.argv) // 2; \
print(statistics.median(float(d) / float(f) for d, f in zip(sys.argv[1:n + 1], sys.argv[n + 1:])))" \
      "${dw[@]}" "${fw[@]}")
  fi
  echo "$(best "${fw[@]}") $(best "${fc[@]}") $fb $( [ ${#dw[@]} -gt 0 ] && best "${dw[@]}" || echo 0) $( [ ${#dc[@]} -gt 0 ] && best "${dc[@]}" || echo 0) $db $paired"
}

printf '%-14s %9s %10s %10s %8s %8s %8s %12s %12s %7s\n' case input_MB floe_MB/s duck_MB/s speed paired cpu floe_bytes duck_bytes size
for c in "csv:$csv:$DATA/export-queries.schema.json" "events-1kb:$e1:$DATA/export-events.schema.json" \
         "events-225kb:$e2:$DATA/export-events.schema.json"; do
  IFS=: read -r label input schema <<< "$c"
  read -r fw fc fb dw dc db paired <<< "$(run_case "$label" "$input" "$schema")"
  mb=$(python3 -c "import os; print(os.path.getsize('$input') / 1e6)")
  python3 -c "
nan = float('nan')
mb, fw, fc, fb, dw, dc, db, paired = $mb, $fw, $fc, $fb, $dw, $dc, $db, float('$paired')
print(f'{\"$label\":<14} {mb:9.1f} {mb/fw:10.1f} {(mb/dw if dw else 0):10.1f} {(dw/fw if dw else nan):7.2f}x {paired:7.2f}x {(dc/fc if dc else nan):7.2f}x {fb:12d} {db:12d} {(fb/db if db else nan):6.3f}x')"
done
echo "(speed = floe MB/s / DuckDB MB/s from each one's best round, aim >= 2; paired = the median"
echo " of the rounds' own DuckDB/floe time ratios; cpu = DuckDB CPU seconds / floe CPU seconds;"
echo " size = floe bytes / DuckDB bytes, aim <= 1; $rounds alternating rounds. floe's time is the"
echo " whole \`floe export\` process, DuckDB's the COPY statement in an open connection)"
