'use strict';
// Peer: a naive client making one REST call per record (PATCH
// /sobjects/Lead/Platform_Lead_Id__c/{id}), one after the other, which is what per-record
// callouts from a trigger or a simple script do. Node's fetch keeps the connection alive.
//
//   node naive-upsert.cjs login.json records.json
// Prints {"client":"naive","records":N,"ok":N,"failed":N,"ms":T}.

const { readInput } = require('./input.cjs');

async function main() {
  const { login, records } = readInput();
  const started = Date.now();
  const token = await fetch(`${login.loginUrl}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'password',
      client_id: login.clientId,
      client_secret: login.clientSecret,
      username: login.username,
      password: login.password,
    }),
  });
  if (!token.ok) throw new Error(`login failed: ${token.status} ${await token.text()}`);
  const session = await token.json();
  const base = `${session.instance_url}/services/data/v62.0/sobjects/Lead/Platform_Lead_Id__c/`;
  let ok = 0;
  let failed = 0;
  let firstError = null;
  for (const record of records) {
    const { Platform_Lead_Id__c: key, ...fields } = record;
    const response = await fetch(base + encodeURIComponent(key), {
      method: 'PATCH',
      headers: { authorization: `Bearer ${session.access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify(fields),
    });
    const body = await response.text();
    if (response.status === 200 || response.status === 201 || response.status === 204) ok++;
    else {
      failed++;
      if (!firstError) firstError = `${response.status} ${body}`;
    }
  }
  console.log(JSON.stringify({ client: 'naive', records: records.length, ok, failed,
    ms: Date.now() - started }));
  if (failed > 0) {
    console.error(firstError);
    process.exit(1);
  }
}

main().catch((e) => {
  console.error(`naive peer: ${e.stack || e}`);
  process.exit(1);
});
