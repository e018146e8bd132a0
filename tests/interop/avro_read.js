// Independent oracle for floe's Avro writer: decodes an object container file with the
// npm `avsc` library and prints one JSON object:
//   {"codec": ..., "meta": {key: value (utf8), ...}, "schema": <avsc's parsed schema>,
//    "ids": <Iceberg ids seen while parsing>, "records": [...]}
// Bytes and fixed values print as lowercase hex strings; longs as JSON numbers, or as decimal
// strings beyond 2^53. avsc supports the null and deflate codecs natively; no pure-JS snappy
// or zstd implementation is installed, so those codecs are not registered here.
// Usage: node avro_read.js FILE.avro
'use strict';
const path = require('path');
const avro = require(path.join(__dirname, '..', 'node_modules', 'avsc'));

// Longs as BigInt so 64-bit ids (snapshot ids) decode exactly.
const longType = avro.types.LongType.__with({
  fromBuffer: (buf) => buf.readBigInt64LE(),
  toBuffer: (n) => { const b = Buffer.alloc(8); b.writeBigInt64LE(BigInt(n)); return b; },
  fromJSON: BigInt,
  toJSON: Number,
  isValid: (n) => typeof n === 'bigint',
  compare: (a, b) => (a < b ? -1 : a > b ? 1 : 0),
});
// avsc keeps no custom attributes on its parsed types, so a type hook records the Iceberg
// ids it sees on each schema node while parsing: {"fields": {name: field-id},
// "element-id": [...], "key-id": [...], "value-id": [...]}.
const ids = {'fields': {}, 'element-id': [], 'key-id': [], 'value-id': []};
const typeHook = (schema) => {
  if (schema && typeof schema === 'object' && !Array.isArray(schema)) {
    if (schema.type === 'record') {
      for (const f of schema.fields || []) {
        if (f['field-id'] !== undefined) ids.fields[f.name] = f['field-id'];
      }
    }
    for (const k of ['element-id', 'key-id', 'value-id']) {
      if (schema[k] !== undefined) ids[k].push(schema[k]);
    }
  }
  return undefined;
};
const parseHook = (schema) =>
  avro.Type.forSchema(schema, {registry: {long: longType}, typeHook});

const file = process.argv[2];
const records = [];
let header = null;
avro.createFileDecoder(file, {parseHook})
  .on('metadata', (type, codec, hdr) => { header = {type, codec, hdr}; })
  .on('data', (rec) => records.push(rec))
  .on('error', (err) => { console.error(String(err && err.stack || err)); process.exit(2); })
  .on('end', () => {
    const meta = {};
    for (const k of Object.keys(header.hdr.meta)) meta[k] = header.hdr.meta[k].toString('utf8');
    const out = {
      codec: header.codec,
      meta,
      schema: header.type.schema({exportAttrs: true}),
      ids,
      records,
    };
    process.stdout.write(JSON.stringify(out, (k, v) => {
      if (typeof v === 'bigint') {
        return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)
          ? Number(v) : v.toString();
      }
      if (v && v.type === 'Buffer' && Array.isArray(v.data)) return Buffer.from(v.data).toString('hex');
      return v;
    }) + '\n');
  });
