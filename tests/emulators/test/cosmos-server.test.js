// Tests of the patch layer in ../cosmos-server.js, over plain HTTPS: each test starts its own
// server on a port the OS picks and stops it at the end. The server checks no authorization
// header, so these requests carry none (the SDK's signed header is ignored the same way).
"use strict";

const { test } = require("node:test");
const assert = require("node:assert/strict");
const { spawn } = require("node:child_process");
const https = require("node:https");
const path = require("node:path");
const readline = require("node:readline");

const SERVER = path.join(__dirname, "..", "cosmos-server.js");

async function startServer(t) {
  const child = spawn(process.execPath, [SERVER, "--port", "0"], { stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", chunk => {
    stderr += chunk;
  });
  t.after(() => child.kill());
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line within 10 s: ${stderr}`)), 10000);
    child.on("exit", code => reject(new Error(`server exited with ${code}: ${stderr}`)));
    readline.createInterface({ input: child.stdout }).on("line", line => {
      const ready = /^cosmos ready on https:\/\/127\.0\.0\.1:(\d+)$/.exec(line);
      if (ready) {
        clearTimeout(timer);
        resolve(Number(ready[1]));
      }
    });
  });
  const agent = new https.Agent({ keepAlive: true, rejectUnauthorized: false }); // self-signed certificate
  t.after(() => agent.destroy());
  return (method, url, { headers = {}, body } = {}) =>
    new Promise((resolve, reject) => {
      const req = https.request({ host: "127.0.0.1", port, method, path: url, agent, headers }, res => {
        let text = "";
        res.on("data", chunk => {
          text += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: text ? JSON.parse(text) : null }));
      });
      req.on("error", reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
}

// A server with database "db" and container "contacts" under the hierarchical key
// [/tenantId, /contactId], holding (t1, c1), (t1, c2) and (t2, c1).
async function startWithContacts(t) {
  const call = await startServer(t);
  assert.equal((await call("POST", "/dbs", { body: { id: "db" } })).status, 201);
  const partitionKey = { paths: ["/tenantId", "/contactId"], kind: "MultiHash", version: 2 };
  assert.equal((await call("POST", "/dbs/db/colls", { body: { id: "contacts", partitionKey } })).status, 201);
  const upsert = async (tenantId, contactId, extra = {}) => {
    const headers = { "x-ms-documentdb-partitionkey": JSON.stringify([tenantId, contactId]), "x-ms-documentdb-is-upsert": "True" };
    const body = { id: contactId, tenantId, contactId, ...extra };
    const res = await call("POST", "/dbs/db/colls/contacts/docs", { headers, body });
    assert.ok(res.status === 200 || res.status === 201, JSON.stringify(res.body));
    return res;
  };
  await upsert("t1", "c1", { opens: 1 });
  await upsert("t1", "c2", { opens: 2 });
  await upsert("t2", "c1", { opens: 3 });
  const query = async (sql, headers = {}, parameters = []) => {
    const res = await call("POST", "/dbs/db/colls/contacts/docs", {
      headers: { "x-ms-documentdb-isquery": "True", "content-type": "application/query+json", ...headers },
      body: { query: sql, parameters }
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.Documents;
  };
  return { call, upsert, query };
}

const key = (...levels) => ({ "x-ms-documentdb-partitionkey": JSON.stringify(levels) });

test("reading a missing item answers 404, not 500", async t => {
  const { call } = await startWithContacts(t);
  const res = await call("GET", "/dbs/db/colls/contacts/docs/nobody", { headers: key("t1", "nobody") });
  assert.equal(res.status, 404);
  assert.equal(res.body.code, "NotFound");
});

test("the same id under two hierarchical keys is two items", async t => {
  const { call, upsert } = await startWithContacts(t);
  await upsert("t1", "c2", { id: "profile", opens: 20 });
  await upsert("t1", "c1", { id: "profile", opens: 10 });
  const read = async (...levels) => (await call("GET", "/dbs/db/colls/contacts/docs/profile", { headers: key(...levels) })).body;
  assert.equal((await read("t1", "c1")).opens, 10);
  assert.equal((await read("t1", "c2")).opens, 20);
});

test("queries keep to the partition key header, a full key or a prefix", async t => {
  const { query } = await startWithContacts(t);
  const ids = docs => docs.map(d => `${d.tenantId}/${d.contactId}`).sort();
  assert.deepEqual(ids(await query("SELECT * FROM c", key("t1", "c2"))), ["t1/c2"]);
  assert.deepEqual(ids(await query("SELECT * FROM c", key("t1"))), ["t1/c1", "t1/c2"]);
  assert.deepEqual(ids(await query("SELECT * FROM c", { "x-ms-documentdb-query-enablecrosspartition": "True" })), ["t1/c1", "t1/c2", "t2/c1"]);
});

test("queries keep to an effective partition key range (a prefix as the SDK sends it)", async t => {
  const { query } = await startWithContacts(t);
  // Microsoft.Azure.Cosmos 3.64 sent this range for the prefix ["t1"].
  const t1 = "3D48BB14DA9D090D22112C96695028B6";
  const docs = await query("SELECT * FROM c", { "x-ms-start-epk": t1, "x-ms-end-epk": `${t1}FF` });
  assert.deepEqual(docs.map(d => d.contactId).sort(), ["c1", "c2"]);
  assert.ok(docs.every(d => d.tenantId === "t1"));
});

test("ReadMany's query finds each item by its id and whole key, and only those", async t => {
  const { query } = await startWithContacts(t);
  // As Microsoft.Azure.Cosmos 3.64 sends it for a hierarchical key.
  const items = [["c1", "t1", "c1"], ["c1", "t2", "c1"], ["nobody", "t1", "nobody"], ["c2", "t2", "c2"]];
  const sql = `SELECT * FROM c WHERE ( ${items
    .map((_, i) => `( c.id = @param_id${i} AND c["tenantId"] = @param_pk${i}0 AND c["contactId"] = @param_pk${i}1 )`)
    .join(" OR ")} )`;
  const parameters = items.flatMap(([id, tenant, contact], i) => [
    { name: `@param_id${i}`, value: id },
    { name: `@param_pk${i}0`, value: tenant },
    { name: `@param_pk${i}1`, value: contact }
  ]);
  const found = docs => docs.map(d => `${d.tenantId}/${d.contactId}/${d.opens}`).sort();
  assert.deepEqual(found(await query(sql, {}, parameters)), ["t1/c1/1", "t2/c1/3"]);
  assert.deepEqual(found(await query(sql, key("t2"), parameters)), ["t2/c1/3"]);
  // Another shape (here one more condition) is left to the query engine, which gets it right too.
  const narrower = `${sql} AND c.opens > 1`;
  assert.deepEqual(found(await query(narrower, {}, parameters)), ["t2/c1/3"]);
});

test("aggregates as the SDK rewrites them", async t => {
  const { query } = await startWithContacts(t);
  assert.deepEqual(await query('SELECT VALUE [{"item": COUNT(1)}]\nFROM c'), [[{ item: 3 }]]);
  assert.deepEqual(await query('SELECT VALUE [{"item": COUNT(1)}]\nFROM c', key("t1")), [[{ item: 2 }]]);
  assert.deepEqual(await query('SELECT VALUE [{"item": SUM(c.opens)}]\nFROM c\nWHERE c.opens > 100'), [[{ item: 0 }]]);
  const [row] = await query(
    'SELECT {"lo": {"item": MIN(c.opens), "item2": {"min": MIN(c.opens), "count": COUNT(c.opens)}}, "mean": {"item": {"sum": SUM(c.opens), "count": COUNT(c.opens)}}} AS payload\nFROM c'
  );
  assert.deepEqual(row.payload, { lo: { item: 1, item2: { min: 1, count: 3 } }, mean: { item: { sum: 6, count: 3 } } });
});

test("DISTINCT and OFFSET/LIMIT answer in one page", async t => {
  const { query } = await startWithContacts(t);
  assert.deepEqual((await query("SELECT DISTINCT VALUE c.tenantId FROM c")).sort(), ["t1", "t2"]);
  assert.deepEqual(await query("SELECT VALUE c.opens FROM c ORDER BY c.opens OFFSET 1 LIMIT 1"), [2]);
});

test("a query plan request answers 400: the SDK must compute plans itself", async t => {
  const { call } = await startWithContacts(t);
  const res = await call("POST", "/dbs/db/colls/contacts/docs", {
    headers: { "x-ms-documentdb-isquery": "True", "content-type": "application/query+json", "x-ms-cosmos-is-query-plan-request": "True" },
    body: { query: "SELECT * FROM c" }
  });
  assert.equal(res.status, 400);
  assert.match(res.body.message, /AZURE_COSMOS_USE_QUERY_PLAN_INTEROP_LINUX/);
});

test("the change feed advances with each write", async t => {
  const { call, upsert } = await startWithContacts(t);
  const poll = etag =>
    call("GET", "/dbs/db/colls/contacts/docs", {
      headers: { "a-im": "Incremental Feed", ...(etag ? { "if-none-match": etag } : {}) }
    });

  const first = await poll();
  assert.equal(first.status, 200);
  assert.equal(first.body.Documents.length, 3);
  const caughtUp = await poll(first.headers.etag);
  assert.equal(caughtUp.status, 304);
  assert.equal(caughtUp.headers.etag, first.headers.etag);

  await upsert("t2", "c1", { opens: 30 });
  const next = await poll(caughtUp.headers.etag);
  assert.equal(next.status, 200);
  assert.deepEqual(next.body.Documents.map(d => [d.tenantId, d.contactId, d.opens]), [["t2", "c1", 30]]);
  assert.notEqual(next.headers.etag, first.headers.etag);

  const fromNow = await poll("*");
  assert.equal(fromNow.status, 304);
  assert.equal(fromNow.headers.etag, next.headers.etag);
});

test("connections are kept alive", async t => {
  const call = await startServer(t);
  assert.equal((await call("GET", "/")).headers.connection, "keep-alive");
});
