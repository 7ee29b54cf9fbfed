'use strict';
// Peer: jsforce loading the records through Bulk API 2.0 (conn.bulk2.loadAndWaitForResults: one
// ingest upsert job on Platform_Lead_Id__c, polled at jsforce's default interval, then its
// result sets), the way a jsforce integration would make an initial load.
//
//   node jsforce-bulk2.cjs login.json records.json
// Prints {"client":"jsforce-bulk2","records":N,"ok":N,"failed":N,"ms":T} and exits non-zero when
// a record failed.

const jsforce = require('jsforce');
const { readInput } = require('./input.cjs');

// Bulk CSV names a lookup by its relationship path ("Assigned_Agent__r.Platform_Agent_Id__c"),
// where the REST records nest it as an object.
function flatten(record) {
  const row = {};
  for (const [field, value] of Object.entries(record)) {
    if (value !== null && typeof value === 'object') {
      for (const [inner, v] of Object.entries(value)) row[`${field}.${inner}`] = v;
    } else {
      row[field] = value;
    }
  }
  return row;
}

async function main() {
  const { login, records: input } = readInput();
  const records = input.map(flatten);
  const started = Date.now();
  const conn = new jsforce.Connection({
    oauth2: { clientId: login.clientId, clientSecret: login.clientSecret, loginUrl: login.loginUrl },
    version: '62.0',
  });
  await conn.login(login.username, login.password);
  const results = await conn.bulk2.loadAndWaitForResults({
    object: 'Lead',
    operation: 'upsert',
    externalIdFieldName: 'Platform_Lead_Id__c',
    input: records,
    pollTimeout: 60 * 60 * 1000, // jsforce's 30 s default is too short for a big job
  });
  const ok = results.successfulResults.length;
  const failed = results.failedResults.length + results.unprocessedRecords.length;
  console.log(JSON.stringify({ client: 'jsforce-bulk2', version: require('jsforce/package.json').version,
    records: records.length, ok, failed, ms: Date.now() - started }));
  if (failed > 0) {
    console.error(JSON.stringify(results.failedResults[0] || results.unprocessedRecords[0]));
    process.exit(1);
  }
}

main().catch((e) => {
  console.error(`jsforce-bulk2 peer: ${e.stack || e}`);
  process.exit(1);
});
