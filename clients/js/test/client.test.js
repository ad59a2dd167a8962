// mist-client against the real server, over WebSocket and TCP.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, MistError } from '../src/index.js';
import { startMist, freePort } from './server.js';

let mist;
before(async () => {
  mist = await startMist('--max-tags', '3');
});
after(async () => mist?.stop());

const next = (iterator, ms = 5000) =>
  Promise.race([iterator.next().then((r) => r.value),
    new Promise((_, reject) => setTimeout(() => reject(new Error(`nothing within ${ms} ms`)), ms))]);

for (const transport of ['ws', 'tcp']) {
  test(`publish and subscribe over ${transport}`, async () => {
    const subscriber = await connect(mist[transport]);
    const publisher = await connect(mist[transport === 'ws' ? 'tcp' : 'ws']);
    try {
      assert.equal(await subscriber.ping(), 'pong');
      const seen = [];
      const unsubscribe = await subscriber.subscribe(['b', 'a'], (message) => seen.push(message));
      assert.equal(await subscriber.list(), 'a,b');
      const messages = subscriber.messages();
      await publisher.subscribe(['a']);
      publisher.publish(['z', 'b', 'a'], 'hello');
      assert.deepEqual(await next(messages), { tags: ['a', 'b', 'z'], data: 'hello' });
      assert.deepEqual(seen, [{ tags: ['a', 'b', 'z'], data: 'hello' }]);
      await publisher.ping();
      const own = publisher.messages();
      await assert.rejects(next(own, 300), /nothing within/, 'a client never receives its own publish');
      await unsubscribe();
      assert.equal(await subscriber.list(), '');
      await publisher.publishConfirmed(['a', 'b'], 'after');
      await assert.rejects(next(messages, 300), /nothing within/, 'unsubscribed');
    } finally {
      subscriber.close();
      publisher.close();
    }
  });
}

test('error replies reject with the server\'s words', async () => {
  const client = await connect(mist.ws);
  try {
    await assert.rejects(client.publishConfirmed(['a', 'b', 'c', 'd'], 'x'),
      (error) => error instanceof MistError && error.command === 'publish' && /^Too many tags/.test(error.message));
    await assert.rejects(client.subscribe([]), TypeError);
    assert.equal(await client.ping(), 'pong', 'the connection carries on');
  } finally {
    client.close();
  }
});

test('the deliveries the iterator holds are bounded', async () => {
  const subscriber = await connect(mist.tcp, { maxQueue: 5 });
  const publisher = await connect(mist.tcp);
  try {
    await subscriber.subscribe(['bounded']);
    for (let i = 0; i < 20; i++) publisher.publish(['bounded'], String(i));
    await publisher.ping();
    await subscriber.ping(); // every delivery arrived before this pong
    assert.equal(subscriber.dropped, 15);
    const messages = subscriber.messages();
    for (let i = 0; i < 5; i++) assert.equal((await next(messages)).data, String(i));
  } finally {
    subscriber.close();
    publisher.close();
  }
});

test('tokens: accepted, and refused with a clear error over WebSocket and TCP', async () => {
  const secured = await startMist('--authenticator', 'memory://', '--token', 'S3CRET');
  try {
    for (const url of [secured.ws, secured.tcp]) {
      const client = await connect(url, { token: 'S3CRET' });
      assert.equal(await client.ping(), 'pong');
      client.close();
      await assert.rejects(connect(url, { token: 'wrong', reconnect: false }),
        (error) => error instanceof MistError && error.command === 'auth', url);
    }
  } finally {
    await secured.stop();
  }
});

test('reconnects with backoff and subscribes again', async () => {
  const tcp = await freePort();
  const http = await freePort();
  const listeners = ['--listeners', `tcp://127.0.0.1:${tcp},http://127.0.0.1:${http}`];
  let server = await startMist(...listeners);
  const subscriber = await connect(server.ws, { reconnectDelay: 100 });
  const errors = [];
  subscriber.on('error', (error) => errors.push(error.message));
  try {
    await subscriber.subscribe(['again']);
    await server.stop();
    await assert.rejects(subscriber.ping(), /not connected|lost/);
    server = await startMist(...listeners);
    const messages = subscriber.messages();
    const publisher = await connect(server.tcp);
    try {
      // One pending next() across the attempts: a next() abandoned to a timeout would take the message.
      const pending = messages.next();
      const deadline = Date.now() + 15000;
      let message;
      while (!message && Date.now() < deadline) {
        publisher.publish(['again'], 'back');
        const result = await Promise.race([pending, new Promise((resolve) => setTimeout(resolve, 200))]);
        message = result?.value;
      }
      assert.deepEqual(message, { tags: ['again'], data: 'back' });
      assert.ok(errors.some((text) => /lost; reconnecting/.test(text)), errors.join('\n'));
    } finally {
      publisher.close();
    }
  } finally {
    subscriber.close();
    await server.stop();
  }
});

test('a subscription with since replays what was kept, carries ids, and resumes after a reconnect', async () => {
  const net = await import('node:net');
  const target = Number(new URL(mist.tcp.replace('tcp:', 'http:')).port);
  const open = new Set();
  let down = false;
  const proxy = net.createServer((client) => {
    if (down) return client.destroy();
    const server = net.connect(target, '127.0.0.1');
    client.pipe(server).pipe(client);
    const pair = [client, server];
    open.add(pair);
    for (const socket of pair) {
      socket.on('error', () => {}).on('close', () => {
        open.delete(pair);
        pair.forEach((other) => other.destroy());
      });
    }
  });
  await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const subscriber = await connect(`tcp://127.0.0.1:${proxy.address().port}`, { reconnectDelay: 50 });
  const publisher = await connect(mist.tcp);
  subscriber.on('error', () => {});
  try {
    const messages = subscriber.messages();
    await subscriber.subscribe(['js-away'], undefined, { since: 0 });
    await publisher.publishConfirmed(['js-away'], 'one');
    const one = await next(messages);
    assert.equal(one.data, 'one');
    assert.ok(Number.isSafeInteger(one.id), 'a replaying subscription\'s messages carry ids');
    down = true;
    for (const pair of open) pair.forEach((socket) => socket.destroy());
    await publisher.publishConfirmed(['js-away'], 'two');
    await publisher.publishConfirmed(['js-away'], 'three');
    down = false;
    const two = await next(messages, 10000);
    assert.deepEqual([two.data, two.id], ['two', one.id + 1], 'kept while it was away, then replayed');
    assert.equal((await next(messages)).data, 'three');
    await publisher.publishConfirmed(['js-away'], 'four');
    assert.equal((await next(messages)).data, 'four');
    await assert.rejects(next(messages, 300), /nothing within/, 'nothing twice');
    await assert.rejects(subscriber.subscribe(['x'], undefined, { since: -1 }), /since must be a message id/);
  } finally {
    subscriber.close();
    publisher.close();
    proxy.close();
  }
});

test('a server that does not read makes publish throw instead of buffering without end', async () => {
  const net = await import('node:net');
  const silent = net.createServer((socket) => {
    socket.once('data', () => {
      socket.write('{"command":"ping","data":"pong"}\n'); // the handshake, then it reads nothing more
      socket.pause();
    });
  });
  await new Promise((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const client = await connect(`tcp://127.0.0.1:${silent.address().port}`, { maxSendBuffer: 64 * 1024,
    reconnect: false });
  try {
    const data = 'x'.repeat(1024);
    assert.throws(() => {
      for (let i = 0; i < 100000; i++) client.publish(['t'], data);
    }, /is not taking messages as fast as they are sent/);
  } finally {
    client.close();
    silent.close();
  }
});
