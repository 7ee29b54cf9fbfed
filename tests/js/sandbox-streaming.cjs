'use strict';
// jsforce's Streaming API client (faye, with jsforce's replay extension) against
// leadbridge-sandbox: a Change Data Capture event for a Lead written through jsforce arrives
// with the right ChangeEventHeader; a new client resumes after a stored replayId and gets only
// the later events; -2 replays everything retained. Any error exits non-zero.
//
//   node sandbox-streaming.cjs /path/to/leadbridge-sandbox

const fs = require('node:fs');
const { startSandbox } = require('./sandbox-process.cjs');

let jsforce;
let StreamingExtension;
try {
  jsforce = require('jsforce');
  ({ StreamingExtension } = require('jsforce/api/streaming'));
} catch (e) {
  console.error('jsforce is not installed: run "npm ci" in tests/js (scripts/setup.sh does).');
  process.exit(1);
}

const CHANNEL = '/data/LeadChangeEvent';
const CLIENT = 'jsforce-streaming';
const WAIT_MS = 20000;

function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
}

// A faye client from jsforce with the replay extension, subscribed to CHANNEL; resolves once
// the subscription is acknowledged. `events` collects every delivered message's data.
async function listen(conn, replayId) {
  const events = [];
  const waiters = [];
  const client = conn.streaming.createClient([new StreamingExtension.Replay(CHANNEL, replayId)]);
  const subscription = client.subscribe(CHANNEL, (data) => {
    events.push(data);
    for (const w of waiters.splice(0)) w();
  });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('subscribe timed out')), WAIT_MS);
    subscription.callback(() => { clearTimeout(timer); resolve(); });
    subscription.errback((e) => { clearTimeout(timer); reject(new Error(`subscribe: ${e.message}`)); });
  });
  // Waits until `count` events have arrived.
  const waitFor = async (count) => {
    const deadline = Date.now() + WAIT_MS;
    while (events.length < count) {
      check(Date.now() < deadline, `${count} events expected, ${events.length} arrived`);
      await new Promise((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 500);
      });
    }
    return events;
  };
  return { client, events, waitFor, close: () => client.disconnect() };
}

const headerOf = (data) => data.payload.ChangeEventHeader;

async function liveEvents(conn) {
  const live = await listen(conn, -1);
  const created = await conn.sobject('Lead').create({
    LastName: 'Stream', Company: 'Acme', Platform_Lead_Id__c: 'JS-STREAM-1' });
  check(created.success, 'lead created');
  const updated = await conn.sobject('Lead').update({ Id: created.id, Status: 'Working - Contacted' });
  check(updated.success, 'lead updated');
  const [create, update] = await live.waitFor(2);
  live.close();

  const h = headerOf(create);
  check(h.entityName === 'Lead' && h.changeType === 'CREATE', `CREATE header ${JSON.stringify(h)}`);
  check(h.recordIds.length === 1 && h.recordIds[0] === created.id, 'recordIds of the create');
  check(h.changeOrigin === `com/salesforce/api/rest/62.0;client=${CLIENT}`,
    `changeOrigin ${h.changeOrigin}`);
  check(Array.isArray(h.changedFields) && h.changedFields.length === 0, 'no changedFields on CREATE');
  check(create.payload.Company === 'Acme' && create.payload.LastName === 'Stream', 'CREATE payload');
  check(typeof create.event.replayId === 'number' && typeof create.schema === 'string', 'envelope');
  check(/^[0-9a-f-]{36}$/.test(h.transactionKey) && h.sequenceNumber === 1, 'transaction');
  check(typeof h.commitTimestamp === 'number' && /^005/.test(h.commitUser), 'commit fields');

  const u = headerOf(update);
  check(u.changeType === 'UPDATE' && u.recordIds[0] === created.id, 'UPDATE header');
  check(u.changedFields.includes('Status') && u.changedFields.includes('LastModifiedDate'),
    `changedFields ${u.changedFields}`);
  check(update.payload.Status === 'Working - Contacted' && !('Company' in update.payload),
    'UPDATE payload carries the changed fields only');
  check(update.event.replayId > create.event.replayId, 'replay ids increase');
  return { id: created.id, lastReplayId: update.event.replayId };
}

async function resume(conn, { id, lastReplayId }) {
  // Written while no client listens.
  await conn.sobject('Lead').update({ Id: id, Company: 'Missed While Away' });
  const resumed = await listen(conn, lastReplayId);
  const [missed] = await resumed.waitFor(1);
  // A marker written now arrives after it: nothing older came in between.
  await conn.sobject('Lead').update({ Id: id, Company: 'Marker' });
  const events = await resumed.waitFor(2);
  resumed.close();
  check(events.length === 2, `exactly the missed event and the marker (${events.length})`);
  check(missed.payload.Company === 'Missed While Away', 'the missed update');
  check(missed.event.replayId > lastReplayId, 'only events after the stored replayId');
  check(events[1].payload.Company === 'Marker', 'then the live one');
}

async function replayAll(conn, info) {
  const stats = await (await fetch(`${info.instanceUrl}/__sandbox/streaming`)).json();
  const all = await listen(conn, -2);
  const events = await all.waitFor(stats.retainedEvents);
  all.close();
  check(events.length === stats.retainedEvents, `-2 replays all ${stats.retainedEvents} retained`);
  check(headerOf(events[0]).changeType === 'CREATE', '-2 starts with the oldest');
  for (let i = 1; i < events.length; i++)
    check(events[i].event.replayId > events[i - 1].event.replayId, 'in order');
  return events.length;
}

async function main() {
  const binary = process.argv[2];
  check(binary && fs.existsSync(binary), 'usage: sandbox-streaming.cjs <leadbridge-sandbox>');
  const { child, info } = await startSandbox(binary, undefined, ['--no-platform', '--streaming-timeout-ms', '3000']);
  try {
    const conn = new jsforce.Connection({
      oauth2: { clientId: info.clientId, clientSecret: 'leadbridge-sandbox-consumer-secret',
        loginUrl: info.loginUrl },
      version: '62.0',
      callOptions: { client: CLIENT },
    });
    await conn.login(info.username, 'sandbox-password');
    const last = await liveEvents(conn);
    await resume(conn, last);
    const replayed = await replayAll(conn, info);
    console.log(`jsforce ${require('jsforce/package.json').version} streaming: CDC CREATE/UPDATE `
      + `headers, resume after a stored replayId, -2 replay of ${replayed} events OK`);
  } finally {
    child.removeAllListeners('exit');
    child.kill('SIGTERM');
  }
}

main().then(() => process.exit(0)).catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
