#!/usr/bin/env node
// Segments' patch layer over @vercel/cosmosdb-server 1.0.1, the Cosmos DB stand-in for tests
// (the real emulator needs Docker, which this project's machines do not have).
//
// Stock 1.0.1 gets a few things wrong that Microsoft.Azure.Cosmos relies on. Each fix replaces
// an export of one of the package's own modules, so it must run before `lib/index` (and through
// it `lib/routes`, which copies the handler exports into its route table) is first required.
//
//   node tests/emulators/cosmos-server.js --port N
//   prints "cosmos ready on https://127.0.0.1:N" once listening; exits on SIGTERM/SIGINT, or when
//   stdin closes if stdin is a pipe (so a test process that dies cannot leave the server behind).
//   COSMOS_SERVER_LOG=<file> appends each request (method, path, the headers that steer it, the
//   query text) to that file; child processes inherit it, so it works under `dotnet test` too.
"use strict";

const PACKAGE = "@vercel/cosmosdb-server";
const PINNED = "1.0.1";

const installed = require(`${PACKAGE}/package.json`).version;
if (installed !== PINNED) {
  // The patches below reach into the package's private modules; another version may differ.
  console.error(
    `cosmos-server.js patches ${PACKAGE}@${PINNED} but ${installed} is installed; ` +
      "run `npm ci --prefix tests/emulators`, or re-check every patch before moving the pin."
  );
  process.exit(1);
}

const lib = name => require(`${PACKAGE}/lib/${name}`);
const readItems = lib("handler/_read-items").default;
const readJson = lib("json").default;
const getValue = lib("utils/get-value").default;

const logFile = process.env.COSMOS_SERVER_LOG;
const log = logFile ? line => require("fs").appendFileSync(logFile, `${line}\n`) : () => {};
const isTrue = (req, name) => String(req.headers[name] || "").toLowerCase() === "true";
const notFound = res => {
  res.statusCode = 404;
  return { code: "NotFound", message: "Entity with the specified id does not exist in the system." };
};
const badRequest = (res, message) => {
  res.statusCode = 400;
  return { code: "BadRequest", message };
};

// --- which documents a request is scoped to ---------------------------------------------------
// Partition key paths of a collection, each split into property names ("/a/b" -> ["a", "b"]).
const partitionPaths = collection =>
  ((collection.partitionKey || {}).paths || []).map(p => p.slice(1).split("/"));

// A request names its scope either as a partition key (x-ms-documentdb-partitionkey, a JSON
// array; stock ignores it on queries and returns every partition) or, for a hierarchical key
// prefix such as [tenantId] and for FeedRange.FromPartitionKey, as a range of effective partition
// keys (x-ms-start-epk, x-ms-end-epk): hashes the SDK computes from the key. The server has a
// single physical partition, so a scope without either header means every document.
function requestScope(req, collection) {
  const paths = partitionPaths(collection);
  const header = req.headers["x-ms-documentdb-partitionkey"];
  // "[{}]" is what SDKs send for "no partition key".
  if (header && header !== "[{}]") {
    const parsed = JSON.parse(header);
    const key = Array.isArray(parsed) ? parsed : [parsed];
    // A shorter key (hierarchical prefix) matches every partition under it.
    return doc => key.every((value, i) => getValue(paths[i], doc) === value);
  }
  const start = req.headers["x-ms-start-epk"];
  const end = req.headers["x-ms-end-epk"];
  if (!start && !end) return () => true;
  if ((collection.partitionKey || {}).version !== 2) {
    // Better a clear failure than every partition's documents.
    throw new Error("effective partition key ranges are only supported for hash version 2");
  }
  return doc => {
    const epk = documentEpk(doc, paths);
    return epk >= (start || "") && epk < (end || "FF");
  };
}

// A document's effective partition key, hashed once: every write stores a fresh object, so the
// object itself can carry it, and a scan of a range need not hash every document again (the
// hash is BigInt arithmetic: 100,000 documents cost half a second a query).
const epks = new WeakMap();
function documentEpk(doc, paths) {
  let epk = epks.get(doc);
  if (epk === undefined) {
    epk = effectivePartitionKey(paths.map(p => getValue(p, doc)));
    epks.set(doc, epk);
  }
  return epk;
}

// Effective partition key, hash version 2: per level, MurmurHash3 x64 128 (seed 0) of the
// value's binary encoding, printed big-endian high half first with the top two bits cleared;
// a hierarchical key concatenates its levels. Checked against what Microsoft.Azure.Cosmos 3.64
// sends (see test/cosmos-server.test.js).
function effectivePartitionKey(values) {
  return values
    .map(value => {
      const [low, high] = murmur3x64x128(encodeForHash(value));
      const hex = (high.toString(16).padStart(16, "0") + low.toString(16).padStart(16, "0")).toUpperCase();
      return (parseInt(hex.slice(0, 2), 16) & 0x3f).toString(16).padStart(2, "0").toUpperCase() + hex.slice(2);
    })
    .join("");
}

function encodeForHash(value) {
  if (typeof value === "string") {
    return Buffer.concat([Buffer.from([0x08]), Buffer.from(value, "utf8"), Buffer.from([0xff])]);
  }
  if (typeof value === "number") {
    const bytes = Buffer.alloc(9, 0x05);
    bytes.writeDoubleLE(value, 1);
    return bytes;
  }
  if (typeof value === "boolean") return Buffer.from([value ? 0x03 : 0x02]);
  return Buffer.from([value === null ? 0x01 : 0x00]); // null, or the property is absent
}

const U64 = (1n << 64n) - 1n;
const rotl64 = (x, r) => ((x << r) | (x >> (64n - r))) & U64;
const fmix64 = k => {
  let h = k;
  h ^= h >> 33n;
  h = (h * 0xff51afd7ed558ccdn) & U64;
  h ^= h >> 33n;
  h = (h * 0xc4ceb9fe1a85ec53n) & U64;
  return h ^ (h >> 33n);
};

function murmur3x64x128(bytes) {
  const c1 = 0x87c37b91114253d5n;
  const c2 = 0x4cf5ad432745937fn;
  const mix1 = k => (rotl64((k * c1) & U64, 31n) * c2) & U64;
  const mix2 = k => (rotl64((k * c2) & U64, 33n) * c1) & U64;
  let h1 = 0n;
  let h2 = 0n;
  const whole = bytes.length - (bytes.length % 16);
  for (let i = 0; i < whole; i += 16) {
    h1 ^= mix1(bytes.readBigUInt64LE(i));
    h1 = (((rotl64(h1, 27n) + h2) & U64) * 5n + 0x52dce729n) & U64;
    h2 ^= mix2(bytes.readBigUInt64LE(i + 8));
    h2 = (((rotl64(h2, 31n) + h1) & U64) * 5n + 0x38495ab5n) & U64;
  }
  const tail = Buffer.alloc(16);
  bytes.copy(tail, 0, whole);
  if (bytes.length - whole > 8) h2 ^= mix2(tail.readBigUInt64LE(8));
  if (bytes.length - whole > 0) h1 ^= mix1(tail.readBigUInt64LE(0));
  h1 ^= BigInt(bytes.length);
  h2 ^= BigInt(bytes.length);
  h1 = (h1 + h2) & U64;
  h2 = (h2 + h1) & U64;
  h1 = fmix64(h1);
  h2 = fmix64(h2);
  h1 = (h1 + h2) & U64;
  h2 = (h2 + h1) & U64;
  return [h1, h2];
}

// --- lib/utils/get-partition-from-header + lib/account/items -------------------------------
// Stock keeps one internal index keyed by (first partition key level, id), so under a
// hierarchical key [/tenantId, /contactId] two contacts of one tenant could not share an id.
// Key hierarchical collections by the whole key instead: the JSON of all its levels, computed
// the same way from a document and from the x-ms-documentdb-partitionkey header.
const headerModule = lib("utils/get-partition-from-header");
const stockParsePartitionKey = headerModule.parsePartitionKey;
headerModule.parsePartitionKey = (header, defaultValue) => {
  const key = typeof header === "string" && header.startsWith("[") ? JSON.parse(header) : null;
  return Array.isArray(key) && key.length > 1
    ? JSON.stringify(key)
    : stockParsePartitionKey(header, defaultValue);
};

// One counter for the whole server: the change feed needs only a monotonic order of writes.
let lastLsn = 0;
const itemsModule = lib("account/items");
class SequencedItems extends itemsModule.default {
  _set(data) {
    // Every create, replace and upsert ends here with a fresh object; stamp document writes only.
    if (this._parent && this._parent.documents === this) {
      lastLsn += 1;
      data._lsn = lastLsn; // eslint-disable-line no-param-reassign
    }
    return super._set(data);
  }

  _getPartition(data) {
    if (this._partitionKeyPath.length < 2) return super._getPartition(data);
    return JSON.stringify(this._partitionKeyPath.map(p => getValue(p.slice(1).split("/"), data)));
  }

  // Stock `query` runs over every document; this one runs over the ones `keep` accepts.
  runQuery(sql, { parameters, maxItemCount, continuation, keep }) {
    const docs = [...this._data.values()].map(item => item.read()).filter(keep);
    const policy = this._parent.read().indexingPolicy || {};
    return this._getQuery(sql).exec(docs, {
      parameters,
      udf: this._userDefinedFunctions(),
      maxItemCount,
      continuation,
      compositeIndexes: policy.compositeIndexes || []
    });
  }

  // Documents written after `lsn`, oldest first.
  changesSince(lsn, keep) {
    return [...this._data.values()]
      .map(item => item.read())
      .filter(doc => doc._lsn > lsn && keep(doc))
      .sort((a, b) => a._lsn - b._lsn);
  }
}
itemsModule.default = SequencedItems;

// --- lib/handler/read-document ------------------------------------------------------------
// Stock dereferences the missing document (`data[path]`) and answers 500 with a TypeError.
const readDocumentModule = lib("handler/read-document");
const stockReadDocument = readDocumentModule.default;
readDocumentModule.default = (account, req, res, params) => {
  try {
    return stockReadDocument(account, req, res, params);
  } catch (err) {
    if (err instanceof TypeError) return notFound(res);
    throw err;
  }
};

// --- lib/handler/query-documents ------------------------------------------------------------
// The SDK computes the query plan itself and sends what it needs to merge partial results:
//   SELECT VALUE [{"item": COUNT(1)}] FROM c WHERE ...
//   SELECT {"lo": {"item": MIN(c.x), "item2": {"min": MIN(c.x), "count": COUNT(c.x)}}} AS payload FROM c
// The query engine cannot evaluate aggregates inside such literals. So evaluate each aggregate
// on its own (SELECT VALUE MIN(c.x) FROM c WHERE ...), write the results into the projection
// as literals, and evaluate that once.
const SDK_AGGREGATE = /^\s*SELECT\s+(VALUE\s+)?([\s\S]*?\{"item"[\s\S]*?)\s+FROM\s+([\s\S]*)$/i;

// [start, end) of each top-level aggregate call in a projection.
function aggregateCalls(projection) {
  const calls = [];
  const name = /\b(?:COUNT|SUM|MIN|MAX|AVG)\s*\(/gi;
  for (let match = name.exec(projection); match; match = name.exec(projection)) {
    let depth = 0;
    let end = match.index + match[0].length - 1;
    for (; end < projection.length; end += 1) {
      if (projection[end] === "(") depth += 1;
      if (projection[end] === ")" && (depth -= 1) === 0) break;
    }
    calls.push([match.index, end + 1]);
    name.lastIndex = end + 1;
  }
  return calls;
}

function runAggregates(documents, [, value, projection, from], { parameters, keep }) {
  let literal = "";
  let last = 0;
  for (const [start, end] of aggregateCalls(projection)) {
    const call = projection.slice(start, end);
    const [result] = documents.runQuery(`SELECT VALUE ${call} FROM ${from}`, { parameters, keep }).result;
    literal += projection.slice(last, start) + (result === undefined ? "undefined" : JSON.stringify(result));
    last = end;
  }
  literal += projection.slice(last);
  return documents._getQuery(`SELECT ${value || ""}${literal}`).exec([], { parameters });
}

// The engine parses neither DISTINCT nor OFFSET/LIMIT: strip them, run the query over every
// matching document and apply them to the result, which then fits in one page.
function runWindowed(documents, sql, { parameters, keep }) {
  const distinct = /^\s*SELECT\s+DISTINCT\s+/i;
  const window = /\s+OFFSET\s+(\d+|@\w+)\s+LIMIT\s+(\d+|@\w+)\s*$/i.exec(sql);
  let text = window ? sql.slice(0, window.index) : sql;
  text = text.replace(distinct, "SELECT ");
  let { result } = documents.runQuery(text, { parameters, keep });
  if (distinct.test(sql)) {
    const seen = new Set();
    result = result.filter(r => {
      const key = stableJson(r);
      return !seen.has(key) && seen.add(key);
    });
  }
  if (window) {
    const number = token =>
      token.startsWith("@") ? ((parameters || []).find(p => p.name === token) || {}).value : Number(token);
    const offset = number(window[1]);
    result = result.slice(offset, offset + number(window[2]));
  }
  return { result, continuation: null };
}

// JSON with object keys sorted, so that equal values compare equal for DISTINCT.
const stableJson = value =>
  JSON.stringify(value, (_, v) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.keys(v).sort().map(k => [k, v[k]]))
      : v
  );

function runQuery(documents, { query, parameters }, options) {
  if (/\sGROUP\s+BY\s/i.test(query)) throw new Error("GROUP BY is not supported by this emulator");
  const aggregate = SDK_AGGREGATE.exec(query);
  // ORDER BY rewrites ([{"item": c.x}] AS orderByItems) match too, but have no aggregate.
  if (aggregate && aggregateCalls(aggregate[2]).length) {
    return runAggregates(documents, aggregate, { ...options, parameters });
  }
  if (/^\s*SELECT\s+DISTINCT\s/i.test(query) || /\sOFFSET\s+\S+\s+LIMIT\s+\S+\s*$/i.test(query)) {
    return runWindowed(documents, query, { ...options, parameters });
  }
  return documents.runQuery(query, { ...options, parameters });
}

// ReadMany, as the SDK sends it for a key other than /id: one query per physical partition,
//   SELECT * FROM c WHERE ( ( c.id = @param_id0 AND c["tenantId"] = @param_pk00 AND c["contactId"] = @param_pk01 ) OR ... )
// The query engine parses such a query for seconds and then runs every clause over every document
// (a 500-item ReadMany took 8 s over 400 documents); Cosmos DB answers it from its index. So answer
// that exact shape by point lookups, as a point read finds an item; any other shape goes to the engine.
const READ_MANY = /^SELECT \* FROM c WHERE \( (.*) \)$/s;
const READ_MANY_ITEM = /^\( c\.id = (@\w+)((?: AND c(?:\["[^"\\]+"\])+ = @\w+)+) \)$/;

function readMany(collection, props, { query, parameters }, keep) {
  const whole = READ_MANY.exec(query);
  if (!whole) return null;
  const paths = partitionPaths(props);
  const values = new Map((parameters || []).map(p => [p.name, p.value]));
  const found = new Map();
  for (const clause of whole[1].split(" OR ")) {
    const item = READ_MANY_ITEM.exec(clause);
    if (!item || !values.has(item[1])) return null;
    const levels = item[2].split(" AND ").slice(1).map(level => {
      const [selector, name] = level.split(" = ");
      return { path: [...selector.matchAll(/\["([^"]+)"\]/g)].map(m => m[1]), value: values.get(name), known: values.has(name) };
    });
    if (levels.length !== paths.length || levels.some((l, i) => !l.known || l.path.join("/") !== paths[i].join("/"))) return null;
    const id = values.get(item[1]);
    const key = levels.map(l => l.value);
    const doc = collection.document(id, headerModule.parsePartitionKey(JSON.stringify(key), id)).read();
    if (doc && doc.id === id && paths.every((p, i) => getValue(p, doc) === key[i]) && keep(doc)) found.set(doc._rid, doc);
  }
  return { result: [...found.values()], continuation: null };
}

lib("handler/query-documents").default = (account, req, res, { dbId, collId }) =>
  readItems(req, res, "Documents", async ({ continuation, maxItemCount }) => {
    if (isTrue(req, "x-ms-cosmos-is-query-plan-request")) {
      // Query plans come from the SDK's native interop library, not from the server.
      return badRequest(res, "query plans are not served here: set AZURE_COSMOS_USE_QUERY_PLAN_INTEROP_LINUX=true");
    }
    const body = await readJson(req);
    if (!body.query) return badRequest(res, "missing query");
    log(`  query: ${body.query} ${JSON.stringify(body.parameters || [])}`);
    const collection = account.database(dbId).collection(collId);
    const props = collection.read();
    if (!props) return notFound(res);
    try {
      const keep = requestScope(req, props);
      return readMany(collection, props, body, keep) || runQuery(collection.documents, body, { maxItemCount, continuation, keep });
    } catch (err) {
      return badRequest(res, err.message);
    }
  });

// --- lib/handler/read-documents -------------------------------------------------------------
// Stock answers every change feed poll with all documents and etag "1", so the feed never
// advances. Serve it from the write sequence numbers: the etag is the last number returned, and
// the client sends it back in If-None-Match (absent: from the beginning, "*": from now).
const readDocumentsModule = lib("handler/read-documents");
const stockReadDocuments = readDocumentsModule.default;
readDocumentsModule.default = (account, req, res, params) => {
  if (!/incremental feed/i.test(req.headers["a-im"] || "")) {
    return stockReadDocuments(account, req, res, params);
  }
  // The generic response code in lib/index.js rewrites any A-IM answer (etag "1", 304 whenever
  // If-None-Match is set); without the header it leaves ours alone.
  delete req.headers["a-im"];
  const collection = account.database(params.dbId).collection(params.collId);
  const props = collection.read();
  if (!props) return notFound(res);

  const since = String(req.headers["if-none-match"] || "0").replace(/"/g, "");
  let from = since === "*" ? lastLsn : Number(since);
  const modifiedSince = Date.parse(req.headers["if-modified-since"] || "");
  let inScope;
  try {
    inScope = requestScope(req, props);
  } catch (err) {
    return badRequest(res, err.message);
  }
  const keep = Number.isNaN(modifiedSince) ? inScope : doc => inScope(doc) && doc._ts * 1000 >= modifiedSince;

  const max = Number(req.headers["x-ms-max-item-count"]);
  let changes = collection.documents.changesSince(Number.isNaN(from) ? 0 : from, keep);
  if (max > 0) changes = changes.slice(0, max);
  if (changes.length) from = changes[changes.length - 1]._lsn;
  else if (Number.isNaN(from)) from = lastLsn;

  res.setHeader("etag", `"${from}"`);
  res.setHeader("x-ms-item-count", String(changes.length));
  res.statusCode = changes.length ? 200 : 304;
  return { _rid: props._rid, Documents: changes, _count: changes.length };
};

// --- start ------------------------------------------------------------------------------------
const { createHttpsServer } = require(PACKAGE);

const portArg = process.argv.indexOf("--port");
const port = portArg > 0 ? Number(process.argv[portArg + 1]) : 8081;

// Keep-alive: stock closes the connection after every response, which costs a TLS handshake
// per request.
const server = createHttpsServer({ keepAlive: true });
server.keepAliveTimeout = 120000; // longer than HttpClient's idle timeout, so the client closes first
if (logFile) {
  server.prependListener("request", req => {
    const h = req.headers;
    const interesting = Object.keys(h).filter(k =>
      /partitionkey|epk|a-im|if-none-match|if-match|continuation|query|max-item|crosspartition/.test(k));
    log(`${req.method} ${req.url} ${interesting.map(k => `${k}=${h[k]}`).join(" ")}`);
  });
}
server.listen(port, "127.0.0.1", () => {
  console.log(`cosmos ready on https://127.0.0.1:${server.address().port}`);
});

const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections(); // idle keep-alive connections would hold close() open
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
const stdin = require("fs").fstatSync(0);
if (stdin.isFIFO() || stdin.isSocket()) {
  process.stdin.on("end", stop).on("error", stop).resume();
}
