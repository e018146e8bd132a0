// DuckDB's side of floe's benchmarks (bench/parquet_vs_duckdb_bench.cc): runs SQL jobs in
// one in-process DuckDB (@duckdb/node-api) and times them.
//
//   node --expose-gc bench/peer/duckdb_timer.mjs JOBS.json
//
// JOBS.json: {"settings": ["SET ...", ...],
//             "jobs": [{"label": "...", "threads": 1, "sql": "...", "reps": 3,
//                       "warmup": 1, "output": "/path/written/by/the/sql"}, ...]}
// `threads` (optional) sets DuckDB's thread count before the job (omitted: DuckDB's default,
// one per core). Each job runs `warmup` untimed times, then `reps` timed times. A query's
// result is fully materialized inside DuckDB (connection.run: every row of every column
// decoded and copied into DuckDB's result collection) and never converted to JavaScript.
//
// Output, one JSON line per job:
//   {"label": "...", "threads": 2, "seconds": [..], "cpu_seconds": [..], "best": s,
//    "median": s, "bytes": n}
// (`cpu_seconds`: user + system time of the whole process during each run, all threads)
// (`bytes`: size of `output` after the last run, when given), or {"label", "error"}.
// The first line is {"duckdb": "v1.x.y", "default_threads": n}.
import { createRequire } from 'module';
import fs from 'fs';
import path from 'path';
import { fileURLToPath } from 'url';

const here = path.dirname(fileURLToPath(import.meta.url));
const modules = process.env.NODE_PATH || path.join(here, '..', '..', 'tests', 'node_modules');
const require = createRequire(path.join(modules, 'package.json'));
const duckdb = require('@duckdb/node-api');

const spec = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const instance = await duckdb.DuckDBInstance.create(':memory:');
const conn = await instance.connect();
for (const s of spec.settings || []) await conn.run(s);

const scalar = async (sql) => (await conn.runAndReadAll(sql)).getRowsJson()[0][0];
const defaultThreads = Number(await scalar("SELECT current_setting('threads')"));
console.log(JSON.stringify({ duckdb: await scalar('SELECT version()'), default_threads: defaultThreads }));

// Runs `sql` once; returns [wall seconds, CPU seconds of the whole process (user + system,
// every DuckDB thread)]. The result is dropped on return, and the collection after it frees
// its memory before the next run.
const timeOnce = async (sql) => {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await conn.run(sql);
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(c0);
  return [wall, (c.user + c.system) / 1e6];
};
const collect = () => { if (global.gc) global.gc(); };

for (const job of spec.jobs) {
  try {
    const threads = job.threads || defaultThreads;
    await conn.run(`SET threads = ${Number(threads)}`);
    for (let i = 0; i < (job.warmup ?? 0); i++) {
      await timeOnce(job.sql);
      collect();
    }
    const seconds = [];
    const cpuSeconds = [];
    for (let i = 0; i < (job.reps ?? 1); i++) {
      const [wall, cpu] = await timeOnce(job.sql);
      seconds.push(wall);
      cpuSeconds.push(cpu);
      collect();
    }
    const sorted = [...seconds].sort((a, b) => a - b);
    const out = { label: job.label, threads, seconds, cpu_seconds: cpuSeconds, best: sorted[0],
                  median: sorted[Math.floor(sorted.length / 2)] };
    if (job.output) out.bytes = fs.statSync(job.output).size;
    console.log(JSON.stringify(out));
  } catch (e) {
    console.log(JSON.stringify({ label: job.label, error: String(e.message || e) }));
  }
}
