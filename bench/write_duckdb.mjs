// DuckDB's side of the write benchmark (bench/write_bench.cc runs it): loads the same
// input into an in-memory table, then times
//   COPY t TO 'out.parquet' (FORMAT parquet, COMPRESSION zstd)
// and prints one JSON line: {"seconds": best of N, "bytes": output size, "rows": n,
// "threads": DuckDB's thread count}.
//
//   node bench/write_duckdb.mjs INPUT FORMAT COLUMNS OUT [REPS] [THREADS]
// FORMAT is "json" (newline-delimited) or "csv"; COLUMNS is a DuckDB struct literal of
// column types; THREADS (optional) sets DuckDB's thread count.
import { createRequire } from 'module';
import fs from 'fs';
import path from 'path';
import { fileURLToPath } from 'url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '..', 'tests', 'package.json'));
const duckdb = require('@duckdb/node-api');

const [input, format, columns, out, repsArg, threadsArg] = process.argv.slice(2);
const reps = Number(repsArg || 3);
const quote = (s) => `'${s.replaceAll("'", "''")}'`;

const instance = await duckdb.DuckDBInstance.create(':memory:');
const conn = await instance.connect();
if (threadsArg) await conn.run(`SET threads = ${Number(threadsArg)}`);
const reader = format === 'csv'
  ? `read_csv(${quote(input)}, header = true, columns = ${columns})`
  : `read_json(${quote(input)}, format = 'newline_delimited', columns = ${columns})`;
await conn.run(`CREATE TABLE t AS SELECT * FROM ${reader}`);
const rows = Number((await conn.runAndReadAll('SELECT count(*) FROM t')).getRowsJson()[0][0]);
const threads = (await conn.runAndReadAll("SELECT current_setting('threads')")).getRowsJson()[0][0];

let best = Infinity;
for (let i = 0; i < reps; i++) {
  const t0 = process.hrtime.bigint();
  await conn.run(`COPY t TO ${quote(out)} (FORMAT parquet, COMPRESSION zstd)`);
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  best = Math.min(best, s);
}
console.log(JSON.stringify({ seconds: best, bytes: fs.statSync(out).size, rows, threads }));
