/**
 * Stands in for powershell.exe inside the throwaway wine prefix (wine ships only a PowerShell stub, and
 * no .NET, so real DPAPI cannot run there). Built into a Windows .exe by wine-harness.ts. It answers the
 * agent's DPAPI script the way the real one does (base64 in on stdin, base64 out), after checking the
 * script asks for machine scope and the application entropy, and it logs every call (operation, argument
 * count, whether the input appeared on the command line) to C:\dpapi-double.log for the test to read.
 * The transform is NOT encryption: it only has to be reversible and recognisable.
 */
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- a SEA's entry script is CommonJS: require() is how it reaches builtins */
const fs = require('node:fs');

const MAGIC = Buffer.from('WINE-DPAPI-DOUBLE:');
const args = process.argv.slice(2);
const index = args.indexOf('-EncodedCommand');
const script = index >= 0 ? Buffer.from(args[index + 1] ?? '', 'base64').toString('utf16le') : '';
const operation = /ProtectedData\]::Protect\(/.test(script) ? 'protect' : /ProtectedData\]::Unprotect\(/.test(script) ? 'unprotect' : null;
const machineScope = script.includes('[System.Security.Cryptography.DataProtectionScope]::LocalMachine');
const entropy = script.includes("GetBytes('chaharsu-agent/secret/v1')");

const chunks = [];
process.stdin.on('data', (chunk) => chunks.push(chunk));
process.stdin.on('end', () => {
  const input = Buffer.concat(chunks).toString('utf8').trim();
  const onCommandLine = input.length > 0 && args.some((arg) => arg.includes(input));
  fs.appendFileSync('C:\\dpapi-double.log', `${JSON.stringify({ operation, machine_scope: machineScope, entropy, input_on_command_line: onCommandLine })}\n`);
  if (!operation || !machineScope || !entropy) { process.stderr.write('unexpected DPAPI script'); process.exit(3); }
  const bytes = Buffer.from(input, 'base64');
  const xor = (buffer) => Buffer.from(buffer.map((byte) => byte ^ 0x5a));
  if (operation === 'protect') { process.stdout.write(Buffer.concat([MAGIC, xor(bytes)]).toString('base64')); return; }
  if (!bytes.subarray(0, MAGIC.length).equals(MAGIC)) { process.stderr.write('The data is invalid.'); process.exit(3); }
  process.stdout.write(xor(bytes.subarray(MAGIC.length)).toString('base64'));
});
