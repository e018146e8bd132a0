#!/usr/bin/env bash
# `floe export` vs DuckDB: CSV, JSON and NDJSON inputs exported (partitioned and not) must
# read back in DuckDB with the same rows and the intended types (tests/interop/export_duckdb.mjs).
# Uses $FLOE (default build/floe) and DuckDB from tests/node_modules.
set -euo pipefail
cd "$(dirname "$0")/../.."
FLOE=${FLOE:-build/floe}
if [ ! -x "$FLOE" ]; then echo "export_duckdb_test: $FLOE not built" >&2; exit 1; fi
if [ ! -d tests/node_modules/@duckdb/node-api ] || ! command -v node >/dev/null; then
  echo "export_duckdb_test: node or @duckdb/node-api missing (scripts/install-deps)" >&2; exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/in"

# CSV with quoting, doubled quotes, embedded newlines, nulls, decimals, dates and timestamps.
python3 - "$work/in" <<'PY'
import json, random, sys, datetime
d = sys.argv[1]
rnd = random.Random(7)
base = datetime.datetime(2024, 1, 30, tzinfo=datetime.timezone.utc)
with open(f"{d}/queries.csv", "w", newline="") as f:
    f.write("ts,query_hash,query_type,execution_time_ms,rows_examined,cache_hit,amount,day,note\n")
    for i in range(5000):
        ts = base + datetime.timedelta(seconds=i * 97)
        note = rnd.choice(['plain', '"quoted, with comma"', '"say ""hi"""', '"two\nlines"', ''])
        f.write(f"{ts.strftime('%Y-%m-%dT%H:%M:%S.%f')[:-3]}Z,{rnd.getrandbits(60):x},"
                f"{rnd.choice(['SELECT','INSERT','UPDATE'])},{rnd.random()*100:.3f},"
                f"{rnd.randint(0, 10**9)},{rnd.choice(['true','false'])},"
                f"{rnd.randint(-99999,99999)/100:.2f},{ts.date().isoformat()},{note}\n")
events = []
for i in range(3000):
    events.append({"id": i, "ts": (base + datetime.timedelta(minutes=i * 7)).strftime('%Y-%m-%dT%H:%M:%SZ'),
                   "kind": rnd.choice(["click", "view", None]),
                   "score": rnd.random(), "tags": [rnd.choice("abc") for _ in range(rnd.randint(0, 3))],
                   "user": {"name": f"u{i % 17}", "age": rnd.randint(18, 90)}})
with open(f"{d}/events.ndjson", "w") as f:
    for e in events: f.write(json.dumps(e) + "\n")
with open(f"{d}/recs.json", "w") as f:
    json.dump({"generated": "x", "recommendations": events[:700]}, f, indent=1)
PY
cat > "$work/q.schema.json" <<'JSON'
{"fields": [
  {"name": "ts", "type": "timestamp(ms, utc)"},
  {"name": "query_hash", "type": "string"},
  {"name": "query_type", "type": "string"},
  {"name": "execution_time_ms", "type": "double"},
  {"name": "rows_examined", "type": "int64"},
  {"name": "cache_hit", "type": "bool"},
  {"name": "amount", "type": "decimal(10,2)"},
  {"name": "day", "type": "date"},
  {"name": "note", "type": "string"}]}
JSON
cat > "$work/e.schema.json" <<'JSON'
{"fields": [
  {"name": "id", "type": "int32"},
  {"name": "ts", "type": "timestamp(us, utc)"},
  {"name": "kind", "type": "string"},
  {"name": "score", "type": "float"},
  {"name": "tags", "type": {"type": "list", "element": "string"}},
  {"name": "user", "type": {"type": "struct", "fields": [
     {"name": "name", "type": "string"}, {"name": "age", "type": "int64"}]}}]}
JSON
gzip -k "$work/in/events.ndjson"
mv "$work/in/events.ndjson.gz" "$work/events2.ndjson.gz"

"$FLOE" export "$work/in/queries.csv" --schema "$work/q.schema.json" --output "$work/csv_flat" --progress never >/dev/null
"$FLOE" export "$work/in/queries.csv" --schema "$work/q.schema.json" --output "$work/csv_ym" \
  --partition-by year,month --compression snappy --fallback-encodings plain --progress never >/dev/null
"$FLOE" export "$work/in/events.ndjson" --schema "$work/e.schema.json" --output "$work/nd_day" \
  --partition-by year,month,day --progress never >/dev/null
"$FLOE" export "$work/events2.ndjson.gz" --schema "$work/e.schema.json" --output "$work/nd_kind" \
  --partition-by kind --compression gzip --progress never >/dev/null
"$FLOE" export "$work/in/queries.csv" --schema "$work/q.schema.json" --output "$work/csv_sorted" \
  --partition-by query_type --sort-by 'note, execution_time_ms DESC, ts' --progress never >/dev/null
"$FLOE" export "$work/in/events.ndjson" --schema "$work/e.schema.json" --output "$work/nd_sorted" \
  --sort-by 'kind:desc,score' --progress never >/dev/null
"$FLOE" export "$work/in/recs.json" --json-path recommendations --schema "$work/e.schema.json" \
  --output "$work/json_flat" --progress never >/dev/null
"$FLOE" export "$work/in/recs.json" --json-path recommendations --schema "$work/e.schema.json" \
  --output "$work/json_day" --partition-by year,month,day --progress never >/dev/null

csv_cols="{'ts': 'TIMESTAMPTZ', 'query_hash': 'VARCHAR', 'query_type': 'VARCHAR', 'execution_time_ms': 'DOUBLE', 'rows_examined': 'BIGINT', 'cache_hit': 'BOOLEAN', 'amount': 'DECIMAL(10,2)', 'day': 'DATE', 'note': 'VARCHAR'}"
ev_cols="{'id': 'INTEGER', 'ts': 'TIMESTAMPTZ', 'kind': 'VARCHAR', 'score': 'FLOAT', 'tags': 'VARCHAR[]', 'user': 'STRUCT(name VARCHAR, age BIGINT)'}"
csv_src="read_csv('$work/in/queries.csv', header = true, auto_detect = false, columns = $csv_cols)"
nd_src="read_json('$work/in/events.ndjson', format = 'newline_delimited', auto_detect = false, columns = $ev_cols)"
json_src="(SELECT r.* FROM (SELECT unnest(recommendations) AS r FROM read_json('$work/in/recs.json', auto_detect = false, columns = {'recommendations': 'STRUCT(id INTEGER, ts TIMESTAMPTZ, kind VARCHAR, score FLOAT, tags VARCHAR[], \"user\" STRUCT(name VARCHAR, age BIGINT))[]'})))"
csv_types='{"ts": "TIMESTAMP WITH TIME ZONE", "query_hash": "VARCHAR", "query_type": "VARCHAR", "execution_time_ms": "DOUBLE", "rows_examined": "BIGINT", "cache_hit": "BOOLEAN", "amount": "DECIMAL(10,2)", "day": "DATE", "note": "VARCHAR"}'
ev_types='{"id": "INTEGER", "ts": "TIMESTAMP WITH TIME ZONE", "kind": "VARCHAR", "score": "FLOAT", "tags": "VARCHAR[]", "user": "STRUCT(\"name\" VARCHAR, age BIGINT)"}'
python3 - "$work/cases.json" <<PY
import json, sys
cases = [
  {"name": "csv unpartitioned", "source": """$csv_src""", "parquet": "$work/csv_flat/*.parquet", "types": $csv_types},
  {"name": "csv year/month, snappy, plain encodings", "source": """$csv_src""", "parquet": "$work/csv_ym/**/*.parquet", "types": $csv_types},
  {"name": "ndjson year/month/day", "source": """$nd_src""", "parquet": "$work/nd_day/**/*.parquet", "types": $ev_types},
  {"name": "ndjson.gz by kind, gzip", "source": """$nd_src""", "parquet": "$work/nd_kind/**/*.parquet", "types": $ev_types},
  {"name": "csv by query_type, sorted by note, execution_time_ms desc, ts", "source": """$csv_src""", "parquet": "$work/csv_sorted/**/*.parquet", "types": $csv_types,
   "sorted_by": "note ASC NULLS FIRST, execution_time_ms DESC NULLS LAST, ts ASC NULLS FIRST"},
  {"name": "ndjson sorted by kind desc (nulls last), score", "source": """$nd_src""", "parquet": "$work/nd_sorted/*.parquet", "types": $ev_types,
   "sorted_by": "kind DESC NULLS LAST, score ASC NULLS FIRST"},
  {"name": "json document under recommendations", "source": """$json_src""", "parquet": "$work/json_flat/*.parquet", "types": $ev_types},
  {"name": "json document, year/month/day", "source": """$json_src""", "parquet": "$work/json_day/**/*.parquet", "types": $ev_types},
]
json.dump(cases, open(sys.argv[1], "w"))
PY
node tests/interop/export_duckdb.mjs "$work/cases.json"
