#!/usr/bin/env node
// A local S3-compatible server for floe's tests and benchmark: s3rver (npm) plus
// what the tests need beyond it.
//
//   node s3_test_server.js --dir DIR [--bucket NAME]... [--no-conditional-put]
//
// Listens on 127.0.0.1 with a free port and prints "PORT <n>" on stdout once ready.
// Exits when stdin closes (so it never outlives the test that started it) or on
// SIGTERM. Credentials: any signature is accepted for access key "S3RVER" (s3rver
// does not verify SigV4; floe's signer is checked against botocore instead).
//
// Added to s3rver:
// - Conditional PUT: `If-None-Match: *` on PutObject and CompleteMultipartUpload
//   answers 412 PreconditionFailed when the key exists, serialised per key, as AWS
//   S3 does. --no-conditional-put leaves s3rver's behaviour (header ignored), to
//   show what floe does against stores without it.
// - AbortMultipartUpload (DELETE ?uploadId=...), which s3rver lacks.
// - Fault injection for retry tests: POST /__floe/faults with a JSON list of rules
//   {"method": "PUT", "path": "regex", "query": "uploadId", "status": 503,
//    "code": "SlowDown", "count": 2, "every": 0,
//    "action": "error"|"reset"|"delay"|"truncate", "delay_ms": 0, "bytes": 0}
//   Each rule acts on the next `count` matching requests (or, with every=k, on every
//   kth one while count lasts; count -1 = unlimited). {"action": "throttle",
//   "rate": R} lets at most R matching requests per second through and answers the
//   rest 503 SlowDown, like S3's request-rate limit. "reset" drops the connection
//   before answering; "truncate" sends the real response's first `bytes` body bytes
//   and then drops it.
// - GET /__floe/stats: {"requests", "by_method", "bytes_in", "bytes_out", "faults"};
//   DELETE /__floe/stats resets it.
'use strict';

const crypto = require('crypto');
const path = require('path');
const fs = require('fs');
const S3rver = require('s3rver');
const { Transform } = require('stream');

// s3rver encrypts ListObjectsV2 continuation tokens with DES, which OpenSSL 3 only
// has in its legacy provider; without it every truncated listing fails with
// InternalError. Tokens are opaque to clients, so substitute AES for DES.
try {
  crypto.createCipheriv('des', Buffer.alloc(8), Buffer.alloc(8));
} catch (e) {
  const widen = (alg, key, iv) =>
    alg === 'des' ? ['aes-128-cbc', Buffer.concat([key, key]), Buffer.concat([iv, iv])]
                  : [alg, key, iv];
  const cipher = crypto.createCipheriv;
  const decipher = crypto.createDecipheriv;
  crypto.createCipheriv = (alg, key, iv, ...rest) => cipher(...widen(alg, key, iv), ...rest);
  crypto.createDecipheriv = (alg, key, iv, ...rest) => decipher(...widen(alg, key, iv), ...rest);
}

function parseArgs(argv) {
  const out = { dir: null, buckets: [], conditional: true };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--dir') out.dir = argv[++i];
    else if (argv[i] === '--bucket') out.buckets.push(argv[++i]);
    else if (argv[i] === '--no-conditional-put') out.conditional = false;
    else throw new Error('unknown argument ' + argv[i]);
  }
  if (!out.dir) throw new Error('--dir is required');
  return out;
}

const args = parseArgs(process.argv.slice(2));
const app = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory: args.dir,
  configureBuckets: args.buckets.map(name => ({ name })),
});

let faults = [];
const stats = { requests: 0, by_method: {}, bytes_in: 0, bytes_out: 0, faults: 0 };
const keyLocks = new Map();

async function withKeyLock(id, fn) {
  const prev = keyLocks.get(id) || Promise.resolve();
  let release;
  const mine = new Promise(r => (release = r));
  const chain = prev.then(() => mine);
  keyLocks.set(id, chain);
  await prev;
  try {
    return await fn();
  } finally {
    release();
    if (keyLocks.get(id) === chain) keyLocks.delete(id);
  }
}

async function drain(req) {
  for await (const chunk of req) stats.bytes_in += chunk.length;
}

async function readJson(req) {
  let text = '';
  for await (const chunk of req) text += chunk.toString('utf8');
  return JSON.parse(text || '[]');
}

function xmlError(ctx, status, code, message) {
  ctx.status = status;
  ctx.type = 'application/xml';
  ctx.set('x-amz-request-id', 'floe-test-' + stats.requests);
  ctx.body =
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>' + code + '</Code><Message>' +
    message + '</Message><RequestId>floe-test-' + stats.requests + '</RequestId></Error>';
}

// "/bucket/key..." -> [bucket, key] (path-style only).
function bucketAndKey(ctx) {
  const p = ctx.path.slice(1);
  const slash = p.indexOf('/');
  if (slash < 0) return [decodeURIComponent(p), ''];
  return [decodeURIComponent(p.slice(0, slash)), decodeURIComponent(p.slice(slash + 1))];
}

function matches(rule, ctx) {
  if (rule.method && rule.method !== ctx.method) return false;
  if (rule.path && !new RegExp(rule.path).test(decodeURIComponent(ctx.path))) return false;
  if (rule.query && !(rule.query in ctx.query)) return false;
  return true;
}

app.middleware.unshift(async (ctx, next) => {
  if (ctx.path === '/__floe/faults' && ctx.method === 'POST') {
    faults = (await readJson(ctx.req)).map(r => ({ seen: 0, count: 1, every: 0, ...r }));
    ctx.status = 204;
    return;
  }
  if (ctx.path === '/__floe/stats') {
    if (ctx.method === 'DELETE') {
      Object.assign(stats, { requests: 0, by_method: {}, bytes_in: 0, bytes_out: 0, faults: 0 });
      ctx.status = 204;
    } else {
      ctx.type = 'application/json';
      ctx.body = JSON.stringify(stats);
    }
    return;
  }
  stats.requests++;
  stats.by_method[ctx.method] = (stats.by_method[ctx.method] || 0) + 1;
  ctx.res.on('finish', () => {
    const len = Number(ctx.response.length || 0);
    if (ctx.method !== 'HEAD' && Number.isFinite(len)) stats.bytes_out += len;
  });
  const lenIn = Number(ctx.get('content-length') || 0);

  for (const rule of faults) {
    if (!matches(rule, ctx)) continue;
    rule.seen++;
    if (rule.every > 0 && rule.seen % rule.every !== 0) continue;
    const action = rule.action || 'error';
    if (action === 'throttle') {
      // A token bucket of one: at most `rate` matching requests per second get
      // through, the others are answered 503 SlowDown (S3's request-rate limit).
      const now = Date.now();
      if (now >= (rule.next_ms || 0)) {
        rule.next_ms = now + 1000 / rule.rate;
        break;
      }
      stats.faults++;
      await drain(ctx.req);
      xmlError(ctx, 503, 'SlowDown', 'Please reduce your request rate.');
      return;
    }
    if (rule.count === 0) continue;
    if (rule.count > 0) rule.count--;
    stats.faults++;
    if (action === 'delay') {
      await new Promise(r => setTimeout(r, rule.delay_ms || 0));
      break;
    }
    if (action === 'reset') {
      ctx.req.socket.destroy();
      ctx.respond = false;
      return;
    }
    if (action === 'truncate') {
      // Send the headers and the first `bytes` bytes of the real response, then drop
      // the connection: the client sees a transfer that broke mid-body.
      await next();
      const src = ctx.body;
      if (src && typeof src.pipe === 'function') {
        const limit = rule.bytes || 0;
        let sent = 0;
        const cut = new Transform({
          transform(chunk, enc, cb) {
            if (sent < limit) {
              const take = chunk.slice(0, limit - sent);
              sent += take.length;
              this.push(take);
              if (sent >= limit) setTimeout(() => ctx.req.socket.destroy(), 50);
            }
            cb();
          },
        });
        src.pipe(cut);
        const length = ctx.length;
        ctx.body = cut;
        ctx.length = length;  // keep the full Content-Length so the cut is visible
      }
      return;
    }
    await drain(ctx.req);
    xmlError(ctx, rule.status || 503, rule.code || 'SlowDown',
             rule.message || 'Please reduce your request rate.');
    return;
  }
  stats.bytes_in += lenIn;

  const [bucket, key] = bucketAndKey(ctx);
  if (ctx.method === 'DELETE' && 'uploadId' in ctx.query && key) {
    // AbortMultipartUpload: drop the parts s3rver keeps under the bucket's uploads dir.
    const id = String(ctx.query.uploadId);
    if (/^[0-9a-f]+$/.test(id)) {
      const dir = path.join(app.store.getResourcePath(bucket, undefined, 'uploads'), id);
      fs.rmSync(dir, { recursive: true, force: true });
    }
    ctx.status = 204;
    return;
  }
  const conditional =
    args.conditional && key && ctx.get('if-none-match') === '*' &&
    ((ctx.method === 'PUT' && !('uploadId' in ctx.query) && !ctx.get('x-amz-copy-source')) ||
     (ctx.method === 'POST' && 'uploadId' in ctx.query));
  if (!conditional) return next();
  await withKeyLock(bucket + '/' + key, async () => {
    if (await app.store.existsObject(bucket, key)) {
      await drain(ctx.req);
      xmlError(ctx, 412, 'PreconditionFailed',
               'At least one of the pre-conditions you specified did not hold');
      return;
    }
    await next();
  });
});

app.run().then(({ port }) => {
  process.stdout.write('PORT ' + port + '\n');
});
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
process.on('SIGTERM', () => process.exit(0));
