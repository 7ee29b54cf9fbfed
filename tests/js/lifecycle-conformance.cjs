'use strict';
// jsforce against leadbridge-sandbox for a lead's life: destroy one record (REST) and several
// (sObject Collections), query hiding and queryAll (scanAll) showing them with IsDeleted, the
// deleted resource (sobject.deleted), the Recycle Bin's undelete, a merge (losers deleted with
// MasterRecordId) and a conversion after which jsforce gets CANNOT_UPDATE_CONVERTED_LEAD, all
// through jsforce's own request and response handling. The UI steps (undelete, merge,
// convert) go through the sandbox's admin endpoint. Any error exits non-zero.
//
//   node lifecycle-conformance.cjs /path/to/leadbridge-sandbox

const fs = require('node:fs');
const { startSandbox } = require('./sandbox-process.cjs');

let jsforce;
try {
  jsforce = require('jsforce');
} catch (e) {
  console.error('jsforce is not installed: run "npm ci" in tests/js (scripts/setup.sh does).');
  process.exit(1);
}

function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
}

async function asUser(info, what, body) {
  const response = await fetch(`${info.instanceUrl}/__sandbox/${what}`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
  const json = await response.json();
  check(response.status === 200, `${what}: HTTP ${response.status} ${JSON.stringify(json)}`);
  return json;
}

async function createLeads(conn, prefix, count) {
  const results = await conn.sobject('Lead').create(Array.from({ length: count }, (_, i) => ({
    LastName: `${prefix} ${i}`, Company: 'Acme', Platform_Lead_Id__c: `${prefix}-${i}`,
  })), { allOrNone: true });
  check(results.every((r) => r.success), `${prefix}: created`);
  return results.map((r) => r.id);
}

async function errorOf(promise) {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  return null;
}

async function deleteAndUndelete(conn, info) {
  const [single, ...many] = await createLeads(conn, 'DEL', 4);
  const start = new Date(Date.now() - 60000);

  const one = await conn.sobject('Lead').destroy(single);
  check(one.success === true && one.id === single, 'destroy(id) result');
  const again = await errorOf(conn.sobject('Lead').destroy(single));
  check(again && again.errorCode === 'ENTITY_IS_DELETED', 'second destroy: ENTITY_IS_DELETED');
  const batch = await conn.sobject('Lead').destroy(many);
  check(batch.length === 3 && batch.every((r) => r.success), 'destroy([ids]) results');
  const mixed = await conn.sobject('Lead').destroy([single, many[0]]);
  check(mixed.every((r) => !r.success && r.errors[0].statusCode === 'ENTITY_IS_DELETED'),
    'Collections destroy of deleted records: per-record ENTITY_IS_DELETED');

  const soql = "SELECT Id, IsDeleted FROM Lead WHERE Platform_Lead_Id__c LIKE 'DEL-%'";
  const live = await conn.query(soql);
  check(live.totalSize === 0, `query hides deleted rows (${live.totalSize})`);
  const all = await conn.query(soql).scanAll(true);
  check(all.totalSize === 4 && all.records.every((r) => r.IsDeleted === true),
    'queryAll shows them with IsDeleted');

  const deleted = await conn.sobject('Lead').deleted(start, new Date(Date.now() + 60000));
  const ids = deleted.deletedRecords.map((d) => d.id).sort();
  check(JSON.stringify(ids) === JSON.stringify([single, ...many].sort()),
    'sobject.deleted() lists every deletion');
  check(deleted.deletedRecords.every((d) => /\+0000$/.test(d.deletedDate))
    && typeof deleted.earliestDateAvailable === 'string'
    && typeof deleted.latestDateCovered === 'string', 'deleted resource shape');

  const restored = await asUser(info, 'undelete', { object: 'Lead', ids: [single] });
  check(restored.results[0].success === true, 'undelete result');
  const back = await conn.sobject('Lead').retrieve(single);
  check(back.IsDeleted === false && back.LastName === 'DEL 0', 'undeleted record readable');
  const updated = await conn.sobject('Lead').update({ Id: single, Company: 'Back' });
  check(updated.success === true, 'undeleted record writable');
}

async function merge(conn, info) {
  const [master, loser1, loser2] = await createLeads(conn, 'MRG', 3);
  const merged = await asUser(info, 'merge', {
    masterId: master, mergeIds: [loser1, loser2], fields: { Phone: '+15125550199' },
  });
  check(merged.mergedIds.length === 2, 'merge result');
  const rows = await conn.query(
    "SELECT Id, IsDeleted, MasterRecordId, Phone FROM Lead WHERE Platform_Lead_Id__c LIKE 'MRG-%'"
    + ' ORDER BY Platform_Lead_Id__c').scanAll(true);
  check(rows.totalSize === 3, 'queryAll sees master and losers');
  const [m, l1, l2] = rows.records;
  check(m.Id === master && m.IsDeleted === false && m.MasterRecordId === null
    && m.Phone === '+15125550199', 'master kept, with the chosen values');
  check([l1, l2].every((l) => l.IsDeleted === true && l.MasterRecordId === master),
    'losers deleted with MasterRecordId');
  const gone = await errorOf(conn.sobject('Lead').update({ Id: loser1, Company: 'X' }));
  check(gone && gone.errorCode === 'ENTITY_IS_DELETED', 'a merged-away lead is not writable');
}

async function convert(conn, info) {
  const [lead] = await createLeads(conn, 'CNV', 1);
  const converted = await asUser(info, 'convert', { leadId: lead });
  const read = await conn.sobject('Lead').retrieve(lead);
  check(read.IsConverted === true && read.Status === 'Closed - Converted'
    && /^\d{4}-\d\d-\d\d$/.test(read.ConvertedDate)
    && read.ConvertedAccountId === converted.accountId
    && read.ConvertedContactId === converted.contactId, 'conversion fields');
  const refused = await errorOf(conn.sobject('Lead').update({ Id: lead, Company: 'Other' }));
  check(refused && refused.errorCode === 'CANNOT_UPDATE_CONVERTED_LEAD',
    `update of a converted lead: ${refused && refused.errorCode}`);
  const many = await conn.sobject('Lead').update([{ Id: lead, Company: 'Other' }],
    { allOrNone: false });
  check(many[0].success === false
    && many[0].errors[0].statusCode === 'CANNOT_UPDATE_CONVERTED_LEAD',
    'Collections update of a converted lead');
  const upsert = await errorOf(conn.sobject('Lead').upsert(
    { Platform_Lead_Id__c: 'CNV-0', Company: 'Other' }, 'Platform_Lead_Id__c'));
  check(upsert && upsert.errorCode === 'CANNOT_UPDATE_CONVERTED_LEAD',
    'upsert of a converted lead');
}

async function main() {
  const binary = process.argv[2];
  check(binary && fs.existsSync(binary), 'usage: lifecycle-conformance.cjs <leadbridge-sandbox>');
  const { child, info } = await startSandbox(binary);
  try {
    const conn = new jsforce.Connection({
      oauth2: { clientId: info.clientId, clientSecret: 'leadbridge-sandbox-consumer-secret',
        loginUrl: info.loginUrl },
      version: '62.0',
    });
    await conn.login(info.username, 'sandbox-password');
    await deleteAndUndelete(conn, info);
    await merge(conn, info);
    await convert(conn, info);
    console.log(`jsforce ${require('jsforce/package.json').version}: destroy, queryAll, deleted, `
      + 'undelete, merge and convert OK');
  } finally {
    child.removeAllListeners('exit');
    child.kill('SIGTERM');
  }
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
