'use strict';
// What every peer is given: the login (login.json) and the records to upsert (records.json),
// named on the command line as `node <peer>.cjs login.json records.json`.

const fs = require('node:fs');

function readInput() {
  const [loginFile, recordsFile] = process.argv.slice(2);
  if (!loginFile || !recordsFile) {
    console.error('usage: node <peer>.cjs login.json records.json');
    process.exit(2);
  }
  return {
    login: JSON.parse(fs.readFileSync(loginFile, 'utf8')),
    records: JSON.parse(fs.readFileSync(recordsFile, 'utf8')),
  };
}

module.exports = { readInput };
