// Interop oracle: DuckDB reads the Parquet files floe wrote and must see exactly the rows
// floe was given.
//
//   node tests/interop/duckdb_reads_floe.mjs DIR
//
// DIR/manifest.json (written by src/floe/format/parquet/file_writer_interop_test.cc) lists
// cases:
//   { "name": ..., "parquet": "x.parquet", "expected": "x.jsonl",
//     "columns": [ { "name": "a", "type": "DECIMAL(10,2)",   // DuckDB's type for the column
//                    "json_type": "VARCHAR",                 // optional: read the expected
//                                                            //   JSON as this, then cast to
//                                                            //   "type" (e.g. BLOB literals)
//                    "cast": "VARCHAR" } ],                  // optional: compare both sides
//                                                            //   as this type
//     "queries": [ { "sql": "SELECT count(*) FROM {file} WHERE ...", "expect": 42 } ] }
//
// For each case: the column names and types DuckDB infers from the file must be the ones
// listed; every row must equal the expected row (both sides pass through DuckDB's own
// value conversion, the expected side parsed from JSON text floe's test generated from the
// source data); every query (filtered reads, which DuckDB answers using the row group
// statistics, page index and Bloom filters floe wrote) must return `expect`.
// Exit status: 0 when every case passes, 1 otherwise (with a report on stderr).
import { createRequire } from 'module';
import fs from 'fs';
import path from 'path';
import { fileURLToPath } from 'url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '..', 'package.json'));
const duckdb = require('@duckdb/node-api');

const dir = process.argv[2];
if (!dir) {
  console.error('usage: duckdb_reads_floe.mjs DIR');
  process.exit(2);
}
const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));

const quote = (s) => `'${s.replaceAll("'", "''")}'`;
const ident = (s) => `"${s.replaceAll('"', '""')}"`;

function deepEqual(a, b) {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  if (typeof a === 'object') {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    return ka.every((k, i) => k === kb[i] && deepEqual(a[k], b[k]));
  }
  return false;
}

const instance = await duckdb.DuckDBInstance.create(':memory:');
const conn = await instance.connect();
try {
  await conn.run("SET TimeZone = 'UTC'");
} catch (e) {
  // Without ICU, TIMESTAMPTZ values print in UTC anyway.
}

let failures = 0;
const fail = (name, msg) => {
  failures++;
  console.error(`FAIL ${name}: ${msg}`);
};

for (const c of manifest) {
  const file = path.join(dir, c.parquet);
  const src = `read_parquet(${quote(file)})`;
  try {
    // 1. Schema as DuckDB sees it.
    const desc = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${src}`)).getRowObjectsJson();
    const got = desc.map((r) => `${r.column_name}: ${r.column_type}`);
    const want = c.columns.map((col) => `${col.name}: ${col.type}`);
    if (!deepEqual(got, want)) {
      fail(c.name, `schema\n  got  ${JSON.stringify(got)}\n  want ${JSON.stringify(want)}`);
      continue;
    }

    // 2. Every row.
    const select = c.columns
      .map((col) => (col.cast ? `CAST(${ident(col.name)} AS ${col.cast}) AS ${ident(col.name)}`
                               : ident(col.name)))
      .join(', ');
    const expectedSelect = c.columns
      .map((col) => {
        const target = col.cast || (col.json_type ? col.type : null);
        return target ? `CAST(${ident(col.name)} AS ${target}) AS ${ident(col.name)}`
                      : ident(col.name);
      })
      .join(', ');
    const jsonColumns = '{' +
      c.columns.map((col) => `${quote(col.name)}: ${quote(col.json_type || col.type)}`).join(', ') +
      '}';
    const expectedSrc = `read_json(${quote(path.join(dir, c.expected))}, ` +
      `format = 'newline_delimited', columns = ${jsonColumns})`;
    const actual = (await conn.runAndReadAll(`SELECT ${select} FROM ${src}`)).getRowObjectsJson();
    const expected =
      (await conn.runAndReadAll(`SELECT ${expectedSelect} FROM ${expectedSrc}`)).getRowObjectsJson();
    if (actual.length !== expected.length) {
      fail(c.name, `${actual.length} rows, expected ${expected.length}`);
      continue;
    }
    let bad = 0;
    for (let i = 0; i < actual.length && bad < 5; i++) {
      if (!deepEqual(actual[i], expected[i])) {
        bad++;
        fail(c.name, `row ${i}\n  got  ${JSON.stringify(actual[i])}\n  want ${JSON.stringify(expected[i])}`);
      }
    }
    if (bad) continue;

    // 3. Filtered reads.
    for (const q of c.queries || []) {
      const sql = q.sql.replaceAll('{file}', src);
      const rows = (await conn.runAndReadAll(sql)).getRowsJson();
      const value = Number(rows[0][0]);
      if (value !== q.expect) fail(c.name, `${sql}\n  got ${value}, expected ${q.expect}`);
    }
    console.log(`ok ${c.name} (${actual.length} rows, ${(c.queries || []).length} queries)`);
  } catch (e) {
    fail(c.name, e.message);
  }
}

if (failures) {
  console.error(`${failures} failure(s)`);
  process.exit(1);
}
console.log(`all ${manifest.length} cases passed`);
