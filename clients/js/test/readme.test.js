// The README's Node example, as written: taken from README.md, run against the real server (the one change: the
// server's ephemeral ports for 8888 and 1445), importing the package by its name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { startMist } from './server.js';

const here = path.dirname(fileURLToPath(import.meta.url));

test('the README\'s Node example runs as written', async () => {
  const readme = readFileSync(path.join(here, '../../../README.md'), 'utf8');
  const section = readme.indexOf('\n## JavaScript client\n');
  assert.ok(section >= 0);
  const start = readme.indexOf('```js\n', section) + '```js\n'.length;
  const example = readme.slice(start, readme.indexOf('```\n', start));
  const mist = await startMist();
  const file = path.join(here, 'readme-example.tmp.mjs'); // inside the package: 'mist-client' resolves to itself
  try {
    const wsPort = new URL(mist.ws).port;
    const tcpPort = new URL(mist.tcp.replace('tcp:', 'http:')).port;
    writeFileSync(file, example.replace('8888', wsPort).replace('1445', tcpPort));
    const output = execFileSync(process.execPath, [file], { encoding: 'utf8', timeout: 20000 });
    assert.equal(output, "[ 'hello', 'world' ] hi\n");
  } finally {
    rmSync(file, { force: true });
    await mist.stop();
  }
});
