'use strict';
// jsforce's Bulk API 2.0 client (conn.bulk2) against leadbridge-sandbox, through jsforce's own
// CSV writing, polling and result parsing: an ingest upsert with valid, invalid and null (#N/A)
// rows and all three result sets, an upsert that updates, a query job larger than one results
// page (so jsforce follows Sforce-Locator until the literal "null"), and queryAll.
//
//   node sandbox-bulk2.cjs /path/to/leadbridge-sandbox

const fs = require('node:fs');
const { startSandbox } = require('./sandbox-process.cjs');

let jsforce;
try {
  jsforce = require('jsforce');
} catch (e) {
  console.error('jsforce is not installed: run "npm ci" in tests/js (scripts/setup.sh does).');
  process.exit(1);
}

// More than the sandbox's 10,000-row results page, so the query needs a second page.
const ROWS = 12000;
const INVALID = 50; // rows without Company: REQUIRED_FIELD_MISSING each
const CLIENT = 'jsforce-bulk2';

function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
}

const key = (i) => `B2-${String(i).padStart(5, '0')}`;

async function ingest(conn) {
  const input = Array.from({ length: ROWS }, (_, i) => ({
    LastName: `Bulk "${i}", Jr`,
    Company: i < INVALID ? null : `Company ${i % 13}`,
    Email: i % 2 === 0 ? `b${i}@example.com` : null,
    Platform_Lead_Id__c: key(i),
  }));
  const first = await conn.bulk2.loadAndWaitForResults({
    object: 'Lead', operation: 'upsert', externalIdFieldName: 'Platform_Lead_Id__c', input,
  });
  check(first.successfulResults.length === ROWS - INVALID,
    `successfulResults: ${first.successfulResults.length}`);
  check(first.failedResults.length === INVALID, `failedResults: ${first.failedResults.length}`);
  check(first.unprocessedRecords.length === 0, 'no unprocessed records');
  const ok = first.successfulResults.find((r) => r.Platform_Lead_Id__c === key(INVALID));
  check(ok && /^00Q[0-9A-Za-z]{15}$/.test(ok.sf__Id) && ok.sf__Created === 'true',
    `a successful row: ${JSON.stringify(ok)}`);
  check(ok.LastName === `Bulk "${INVALID}", Jr`, 'original values echoed (quotes, commas)');
  const bad = first.failedResults[0];
  check(bad.sf__Id === '' && /^REQUIRED_FIELD_MISSING:Required fields are missing: \[Company\]:/
    .test(bad.sf__Error), `a failed row: ${JSON.stringify(bad)}`);

  // Again, with a changed Company and Email set to null: all updates, nulls as jsforce's #N/A.
  const again = await conn.bulk2.loadAndWaitForResults({
    object: 'Lead', operation: 'upsert', externalIdFieldName: 'Platform_Lead_Id__c',
    input: [0, 2, 4].map((n) => ({
      LastName: 'Again', Company: 'Updated', Email: null, Platform_Lead_Id__c: key(INVALID + n),
    })),
  });
  check(again.successfulResults.length === 3
    && again.successfulResults.every((r) => r.sf__Created === 'false'), 'upserts updated');
  const lead = await conn.sobject('Lead').retrieve(again.successfulResults[0].sf__Id);
  check(lead.Company === 'Updated' && lead.Email === null, `#N/A cleared Email: ${lead.Email}`);
  return first.successfulResults.map((r) => r.sf__Id);
}

function collect(stream) {
  return new Promise((resolve, reject) => {
    const records = [];
    stream.on('record', (r) => records.push(r));
    stream.on('end', () => resolve(records));
    stream.on('error', reject);
  });
}

async function query(conn, ids) {
  const rows = await collect(await conn.bulk2.query(
    "SELECT Id, LastName, Email, Platform_Lead_Id__c FROM Lead WHERE Platform_Lead_Id__c LIKE 'B2-%'",
    { pollInterval: 50, pollTimeout: 60000 }));
  // Every results page starts with the header row, as Salesforce sends it; jsforce 3.10 pipes
  // all pages into one CSV parser, so each page after the first shows up as a record whose values
  // are the column names. Exactly one here: the locator was followed to a second page, then to
  // the literal "null".
  const headers = rows.filter((r) => r.Id === 'Id' && r.Platform_Lead_Id__c === 'Platform_Lead_Id__c');
  check(headers.length === 1, `pages after the first: ${headers.length}`);
  const records = rows.filter((r) => r.Id !== 'Id');
  check(records.length === ROWS - INVALID, `query rows: ${records.length}`);
  const seen = new Set(records.map((r) => r.Id));
  check(seen.size === records.length && ids.every((id) => seen.has(id)), 'every id once');
  const one = records.find((r) => r.Platform_Lead_Id__c === key(INVALID + 1));
  check(one.LastName === `Bulk "${INVALID + 1}", Jr` && one.Email === '',
    `values: ${JSON.stringify(one)}`);

  await conn.sobject('Lead').destroy(ids[0]);
  const all = await collect(await conn.bulk2.query(
    `SELECT Id, IsDeleted FROM Lead WHERE Id = '${ids[0]}'`, { scanAll: true, pollInterval: 50 }));
  check(all.length === 1 && all[0].IsDeleted === 'true', 'queryAll sees the deleted lead');
}

async function main() {
  const binary = process.argv[2];
  check(binary && fs.existsSync(binary), 'usage: sandbox-bulk2.cjs <leadbridge-sandbox>');
  const { child, info } = await startSandbox(binary);
  try {
    const conn = new jsforce.Connection({
      oauth2: { clientId: info.clientId, clientSecret: 'leadbridge-sandbox-consumer-secret',
        loginUrl: info.loginUrl },
      version: '62.0',
      callOptions: { client: CLIENT },
    });
    await conn.login(info.username, 'sandbox-password');
    conn.bulk2.pollInterval = 50;
    conn.bulk2.pollTimeout = 60000;

    const ids = await ingest(conn);
    await query(conn, ids);

    const limits = await conn.limits();
    check(limits.DailyBulkApiBatches.Remaining < limits.DailyBulkApiBatches.Max,
      'DailyBulkApiBatches counts ingest batches');
    check(limits.DailyBulkV2QueryJobs.Max - limits.DailyBulkV2QueryJobs.Remaining === 2,
      'DailyBulkV2QueryJobs counts query jobs');
    const stats = await (await fetch(`${info.instanceUrl}/__sandbox/stats?limit=0`)).json();
    check(stats.writes.byClient[CLIENT] >= ROWS - INVALID, 'Sforce-Call-Options client recorded');
    console.log(`jsforce ${require('jsforce/package.json').version} bulk2: ${ROWS}-row upsert `
      + `(${INVALID} failed rows), update with #N/A, ${ROWS - INVALID}-row query over locator `
      + `pages and queryAll OK (${stats.apiUsage.byKind.bulk} Bulk API calls)`);
  } finally {
    child.removeAllListeners('exit');
    child.kill('SIGTERM');
  }
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
