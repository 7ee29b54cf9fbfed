'use strict';
// jsforce, a Salesforce client written by others, against leadbridge-sandbox: password login,
// Lead CRUD, a query that pages past 2,000 records, 500 upserts through sObject Collections and
// /limits, all through jsforce's own request and response handling. Any error exits non-zero.
//
//   node sandbox-conformance.cjs /path/to/leadbridge-sandbox

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startSandbox } = require('./sandbox-process.cjs');

let jsforce;
try {
  jsforce = require('jsforce');
} catch (e) {
  console.error('jsforce is not installed: run "npm ci" in tests/js (scripts/setup.sh does).');
  process.exit(1);
}

const SEEDED = 2500;
const UPSERTED = 500;
const CLIENT = 'jsforce-conformance';

function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
}

function seedFile(dir) {
  const leads = [];
  for (let i = 0; i < SEEDED; i++) {
    leads.push({
      FirstName: `Seed${i}`,
      LastName: `Lead ${String(i).padStart(5, '0')}`,
      Company: `Company ${i % 97}`,
      Email: `seed${i}@example.com`,
      Platform_Lead_Id__c: `SEED-${String(i).padStart(5, '0')}`,
      Lead_Score__c: i % 101,
    });
  }
  const file = path.join(dir, 'seed.json');
  fs.writeFileSync(file, JSON.stringify({ Lead: leads }));
  return file;
}

async function crud(conn) {
  const created = await conn.sobject('Lead').create({
    FirstName: 'Ada', LastName: 'Nguyen', Company: 'Acme Ltd', Email: 'ada@example.com',
    LeadSource: 'Web', Platform_Lead_Id__c: 'JS-CRUD-1',
  });
  check(created.success === true && /^00Q[0-9A-Za-z]{15}$/.test(created.id), 'create result');

  const read = await conn.sobject('Lead').retrieve(created.id);
  check(read.Id === created.id && read.LastName === 'Nguyen', 'retrieve returns the record');
  check(read.Status === 'Open - Not Contacted', 'Status defaulted');
  check(read.attributes && read.attributes.type === 'Lead', 'attributes.type');
  check(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/.test(read.SystemModstamp),
    'datetime format');

  const updated = await conn.sobject('Lead').update({ Id: created.id, Company: 'Acme Group' });
  check(updated.success === true && updated.id === created.id, 'update result');
  const reread = await conn.sobject('Lead').retrieve(created.id);
  check(reread.Company === 'Acme Group', 'update persisted');

  let invalid = null;
  try {
    await conn.sobject('Lead').create({ LastName: 'NoCompany' });
  } catch (e) {
    invalid = e;
  }
  check(invalid && invalid.errorCode === 'REQUIRED_FIELD_MISSING', 'validation error parsed');

  const deleted = await conn.sobject('Lead').destroy(created.id);
  check(deleted.success === true, 'delete result');
  let gone = null;
  try {
    await conn.sobject('Lead').retrieve(created.id);
  } catch (e) {
    gone = e;
  }
  check(gone && (gone.errorCode === 'ENTITY_IS_DELETED' || gone.errorCode === 'NOT_FOUND'),
    'deleted record is gone');
  const all = await conn.query(`SELECT Id, IsDeleted FROM Lead WHERE Id = '${created.id}'`)
    .scanAll(true);
  check(all.totalSize === 1 && all.records[0].IsDeleted === true, 'queryAll sees the deletion');
}

async function paging(conn) {
  const soql = "SELECT Id, Platform_Lead_Id__c FROM Lead WHERE Platform_Lead_Id__c LIKE 'SEED-%'"
    + ' ORDER BY Platform_Lead_Id__c';
  // By hand: first page, then queryMore with the locator.
  const first = await conn.query(soql);
  check(first.totalSize === SEEDED, `totalSize ${first.totalSize}`);
  check(first.done === false && first.records.length === 2000, 'first page holds 2,000 rows');
  check(/\/query\/01g[0-9A-Za-z]{15}-2000$/.test(first.nextRecordsUrl), 'locator shape');
  const second = await conn.queryMore(first.nextRecordsUrl);
  check(second.done === true && second.records.length === SEEDED - 2000, 'second page');

  // And jsforce's autoFetch.
  const records = [];
  await new Promise((resolve, reject) => {
    conn.query(soql)
      .on('record', (r) => records.push(r))
      .on('end', resolve)
      .on('error', reject)
      .run({ autoFetch: true, maxFetch: 10000 });
  });
  check(records.length === SEEDED, `autoFetch fetched ${records.length}`);
  check(new Set(records.map((r) => r.Id)).size === SEEDED, 'no duplicates across pages');
  const lastKey = `SEED-${String(SEEDED - 1).padStart(5, '0')}`;
  check(records[0].Platform_Lead_Id__c === 'SEED-00000'
    && records[SEEDED - 1].Platform_Lead_Id__c === lastKey, 'ORDER BY kept');
}

async function upserts(conn) {
  const batch = (company) => Array.from({ length: UPSERTED }, (_, i) => ({
    LastName: `Upsert ${i}`,
    Company: company,
    Platform_Lead_Id__c: `UP-${String(i).padStart(4, '0')}`,
    Assigned_Agent__r: i % 2 === 0 ? { Platform_Agent_Id__c: 'A-0042' } : undefined,
  }));
  const created = await conn.sobject('Lead').upsert(batch('First'), 'Platform_Lead_Id__c',
    { allowRecursive: true });
  check(created.length === UPSERTED, 'one result per record');
  check(created.every((r) => r.success === true && r.created === true), 'all created');
  const again = await conn.sobject('Lead').upsert(batch('Second'), 'Platform_Lead_Id__c',
    { allowRecursive: true });
  check(again.every((r) => r.success === true && r.created === false), 'all updated');
  const count = await conn.query(
    "SELECT COUNT() FROM Lead WHERE Platform_Lead_Id__c LIKE 'UP-%' AND Company = 'Second'");
  check(count.totalSize === UPSERTED, `COUNT() = ${count.totalSize}`);
  const linked = await conn.query("SELECT Id, Assigned_Agent__r.Platform_Agent_Id__c FROM Lead"
    + " WHERE Assigned_Agent__r.Platform_Agent_Id__c = 'A-0042'");
  check(linked.totalSize === UPSERTED / 2, 'lookups set by external id');
  check(linked.records[0].Assigned_Agent__r.Platform_Agent_Id__c === 'A-0042', 'nested record');
}

async function limits(conn) {
  const l = await conn.limits();
  check(l.DailyApiRequests && l.DailyApiRequests.Max === 100000, 'DailyApiRequests.Max');
  const used = l.DailyApiRequests.Max - l.DailyApiRequests.Remaining;
  check(used > 10, `DailyApiRequests counts calls (${used})`);
  check(conn.limitInfo.apiUsage && conn.limitInfo.apiUsage.used === used,
    'Sforce-Limit-Info parsed by jsforce matches /limits');
}

async function main() {
  const binary = process.argv[2];
  check(binary && fs.existsSync(binary), 'usage: sandbox-conformance.cjs <leadbridge-sandbox>');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lb-jsforce-'));
  const { child, info } = await startSandbox(binary, seedFile(dir));
  try {
    const conn = new jsforce.Connection({
      oauth2: { clientId: info.clientId, clientSecret: 'leadbridge-sandbox-consumer-secret',
        loginUrl: info.loginUrl },
      version: '62.0',
      callOptions: { client: CLIENT },
    });
    const user = await conn.login(info.username, 'sandbox-password');
    check(conn.instanceUrl === info.instanceUrl, 'instance_url from the token response');
    check(user.organizationId && user.id.startsWith('005'), 'identity parsed from the id URL');

    const agent = await conn.sobject('People__c').create({
      Name: 'Agent 42', Platform_Agent_Id__c: 'A-0042', Active__c: true, States__c: 'CA;NY' });
    check(agent.success, 'agent created');

    await crud(conn);
    await paging(conn);
    await upserts(conn);
    await limits(conn);

    const stats = await (await fetch(`${info.instanceUrl}/__sandbox/stats?limit=0`)).json();
    check(stats.writes.byClient[CLIENT] >= 2 * UPSERTED, 'Sforce-Call-Options client recorded');
    console.log(`jsforce ${require('jsforce/package.json').version}: login, CRUD, `
      + `${SEEDED}-row paging, ${UPSERTED} upserts and limits OK `
      + `(${stats.apiUsage.used} API calls)`);
  } finally {
    child.removeAllListeners('exit');
    child.kill('SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
