// Interop oracle for `floe export`: DuckDB reads the input files itself (read_csv /
// read_json with the same explicit column types) and the Parquet files floe exported
// (read_parquet over the output tree, Hive directories not turned into columns), and the
// two must hold the same multiset of rows with the intended column types.
//
//   node tests/interop/export_duckdb.mjs CASES.json
//
// CASES.json: [{"name": ..., "source": "<DuckDB table expression over the input>",
//               "parquet": "<glob of exported files>",
//               "types": {"col": "DuckDB type", ...},
//               "sorted_by": "<optional ORDER BY list every file's rows must follow>"}]
// With sorted_by, DuckDB ranks each file's rows by that order (ties by position) and every
// row must sit at its rank: the files are sorted as a whole, not just per row group.
// Exit status 0 when every case matches, 1 otherwise.
import { createRequire } from 'module';
import fs from 'fs';
import path from 'path';
import { fileURLToPath } from 'url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '..', 'package.json'));
const duckdb = require('@duckdb/node-api');

const cases = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const instance = await duckdb.DuckDBInstance.create(':memory:');
const conn = await instance.connect();
await conn.run("SET TimeZone = 'UTC'");
const quote = (s) => `'${s.replaceAll("'", "''")}'`;
let failed = 0;
for (const c of cases) {
  const pq = `read_parquet(${quote(c.parquet)}, hive_partitioning = false)`;
  const problems = [];
  const desc = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${pq}`)).getRowObjectsJson();
  const got = Object.fromEntries(desc.map((r) => [r.column_name, r.column_type]));
  for (const [col, type] of Object.entries(c.types)) {
    if (got[col] !== type) problems.push(`column ${col}: DuckDB sees ${got[col]}, expected ${type}`);
  }
  const cols = Object.keys(c.types).map((n) => `"${n}"`).join(', ');
  const count = async (sql) => Number((await conn.runAndReadAll(sql)).getRows()[0][0]);
  const nSrc = await count(`SELECT count(*) FROM ${c.source}`);
  const nPq = await count(`SELECT count(*) FROM ${pq}`);
  if (nSrc !== nPq) problems.push(`row count: input ${nSrc}, parquet ${nPq}`);
  const onlySrc = await count(
      `SELECT count(*) FROM (SELECT ${cols} FROM ${c.source} EXCEPT ALL SELECT ${cols} FROM ${pq})`);
  const onlyPq = await count(
      `SELECT count(*) FROM (SELECT ${cols} FROM ${pq} EXCEPT ALL SELECT ${cols} FROM ${c.source})`);
  if (onlySrc !== 0 || onlyPq !== 0) {
    problems.push(`rows differ: ${onlySrc} only in the input, ${onlyPq} only in the parquet`);
  }
  if (c.sorted_by) {
    const ranked = `SELECT file_row_number AS pos, row_number() OVER (PARTITION BY filename ORDER BY ${c.sorted_by}, file_row_number) - 1 AS rank FROM read_parquet(${quote(c.parquet)}, hive_partitioning = false, filename = true, file_row_number = true)`;
    const misplaced = await count(`SELECT count(*) FROM (${ranked}) WHERE pos <> rank`);
    if (misplaced !== 0) problems.push(`${misplaced} rows out of order by ${c.sorted_by}`);
  }
  if (problems.length) {
    failed++;
    console.error(`FAIL ${c.name}:\n  ${problems.join('\n  ')}`);
  } else {
    console.log(`ok   ${c.name}: ${nPq} rows`);
  }
}
process.exit(failed ? 1 : 0);
