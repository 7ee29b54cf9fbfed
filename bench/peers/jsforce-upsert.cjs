'use strict';
// Peer: jsforce upserting the records through sObject Collections (PATCH
// /composite/sobjects/Lead/Platform_Lead_Id__c, 200 records a call, one call after the other),
// the way a jsforce integration would write them.
//
//   node jsforce-upsert.cjs login.json records.json
// Prints {"client":"jsforce","records":N,"ok":N,"failed":N,"ms":T} and exits non-zero when a
// record failed.

const jsforce = require('jsforce');
const { readInput } = require('./input.cjs');

async function main() {
  const { login, records } = readInput();
  const started = Date.now();
  const conn = new jsforce.Connection({
    oauth2: { clientId: login.clientId, clientSecret: login.clientSecret, loginUrl: login.loginUrl },
    version: '62.0',
  });
  await conn.login(login.username, login.password);
  const results = await conn.sobject('Lead').upsert(records, 'Platform_Lead_Id__c', {
    allowRecursive: true,
    allOrNone: false,
  });
  const ok = results.filter((r) => r.success).length;
  const failed = results.length - ok;
  console.log(JSON.stringify({ client: 'jsforce', version: require('jsforce/package.json').version,
    records: records.length, ok, failed, ms: Date.now() - started }));
  if (failed > 0) {
    console.error(JSON.stringify(results.find((r) => !r.success)));
    process.exit(1);
  }
}

main().catch((e) => {
  console.error(`jsforce peer: ${e.stack || e}`);
  process.exit(1);
});
