'use strict';
// Starts leadbridge-sandbox on free ports and resolves with the child process and the JSON
// line it prints first (loginUrl, instanceUrl, clientId, username, ...). Shared by the jsforce
// conformance scripts; `seed` is an optional --seed file, `extra` more command-line options.

const { spawn } = require('node:child_process');
const readline = require('node:readline');

function startSandbox(binary, seed, extra = []) {
  const args = ['--login-port', '0', '--instance-port', '0', ...extra];
  if (seed) args.push('--seed', seed);
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    const timer = setTimeout(() => reject(new Error('the sandbox did not start in 60 s')), 60000);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the sandbox exited early with code ${code}`));
    });
    readline.createInterface({ input: child.stdout }).once('line', (line) => {
      clearTimeout(timer);
      try {
        resolve({ child, info: JSON.parse(line) });
      } catch (e) {
        reject(new Error(`unexpected first line from the sandbox: ${line}`));
      }
    });
  });
}

module.exports = { startSandbox };
