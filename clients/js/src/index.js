// mist-client: a client of mist's protocol for browsers (WebSocket) and Node (WebSocket or TCP).
// Replies are matched to commands by order, as mist sends them; commands mist never answers (subscribe, ...) are
// followed by a ping whose pong acknowledges them, unless an error for them comes first.

/** An error reply of the server, or a refused token. */
export class MistError extends Error {
  constructor(command, message) {
    super(message.endsWith('\n') ? message.slice(0, -1) : message);
    this.name = 'MistError';
    this.command = command;
  }
}

const DEFAULTS = {
  token: undefined,
  reconnect: true,
  reconnectDelay: 200,
  maxReconnectDelay: 5000,
  replyTimeout: 10000,
  maxQueue: 1000,
  maxSendBuffer: 8 * 1024 * 1024,
};

/**
 * Connects to mist: `ws://` or `wss://` (a WebSocket endpoint such as ws://localhost:8888/subscribe/websocket) in
 * browsers and Node, `tcp://host:port` in Node. Resolves once the connection is open and, with a token, accepted.
 */
export async function connect(url, options = {}) {
  const client = new MistClient(url, { ...DEFAULTS, ...options });
  await client._open();
  return client;
}

class MistClient {
  constructor(url, options) {
    this.url = url;
    this.options = options;
    this.subscriptions = new Map(); // key -> { tags, handlers: Set }
    this.waiting = []; // { command, resolve, reject, ack, timer }
    this.queue = []; // deliveries for the async iterator
    this.readers = [];
    this.dropped = 0;
    this.lastId = -1; // the highest id of a message received, for replaying subscriptions
    this.closed = false;
    this.delay = options.reconnectDelay;
    this.listeners = { error: new Set(), close: new Set() };
  }

  /**
   * Subscribes to messages carrying all of `tags`; `handler(message)` is called for each. Returns an unsubscribe.
   * With `{ since: id }` (mist for the JVM) the server first sends the messages it kept from that id on, every message
   * then carries its `id`, and after a reconnect the subscription goes on after the last message received.
   */
  async subscribe(tags, handler, options = {}) {
    tags = checkTags(tags);
    const since = options.since;
    if (since !== undefined && !(Number.isSafeInteger(since) && since >= 0)) {
      throw new TypeError('since must be a message id, an integer of 0 or more');
    }
    const key = JSON.stringify([...tags].sort());
    let entry = this.subscriptions.get(key);
    if (!entry) {
      entry = { tags, handlers: new Set(), since };
      this.subscriptions.set(key, entry);
      try {
        await this._acknowledged(since === undefined ? { command: 'subscribe', tags } :
          { command: 'subscribe', tags, since });
      } catch (error) {
        this.subscriptions.delete(key);
        throw error;
      }
    }
    if (handler) entry.handlers.add(handler);
    return async () => {
      if (handler) entry.handlers.delete(handler);
      if (entry.handlers.size === 0 && this.subscriptions.get(key) === entry) {
        this.subscriptions.delete(key);
        await this._acknowledged({ command: 'unsubscribe', tags });
      }
    };
  }

  /** Publishes `data` (a string) to `tags`; fire and forget, as mist's clients. Throws when not connected. */
  publish(tags, data) {
    tags = checkTags(tags);
    if (typeof data !== 'string') throw new TypeError('data must be a string');
    this._send({ command: 'publish', tags, data });
  }

  /** Publishes and resolves once the server has handled the message (a refusal rejects). */
  publishConfirmed(tags, data) {
    tags = checkTags(tags);
    return this._acknowledged({ command: 'publish', tags, data });
  }

  /** Resolves with "pong". */
  async ping() {
    return (await this._request({ command: 'ping' })).data;
  }

  /** Resolves with mist's list of this connection's subscriptions (its `data` text). */
  async list() {
    return (await this._request({ command: 'list' })).data ?? '';
  }

  /** The deliveries, as an async iterator; at most `maxQueue` wait (newer ones are dropped and counted). */
  async *messages() {
    while (!this.closed || this.queue.length > 0) {
      if (this.queue.length > 0) {
        yield this.queue.shift();
        continue;
      }
      const next = await new Promise((resolve) => this.readers.push(resolve));
      if (next === undefined) return;
      yield next;
    }
  }

  /** `event` is 'error' (errors that belong to no command) or 'close' (the client closed for good). */
  on(event, listener) {
    this.listeners[event].add(listener);
    return () => this.listeners[event].delete(listener);
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.retry);
    this._failAll(new Error('the client was closed'));
    this.transport?.close();
    for (const reader of this.readers.splice(0)) reader(undefined);
    for (const listener of this.listeners.close) listener();
  }

  // --- the connection --------------------------------------------------------------------------------------------

  async _open() {
    const transport = await openTransport(this.url, this.options.token, (line) => this._received(line));
    let handshaking = true;
    this.transport = transport;
    transport.onClose = (why) => {
      if (this.transport !== transport) return;
      this.transport = null;
      if (handshaking) this._failAll(new Error(`connection to ${this.url} lost during the handshake`));
      else this._lost(why);
    };
    if (this.options.token && transport.kind === 'tcp') {
      transport.send({ command: 'auth', data: this.options.token });
    }
    try {
      await this.ping(); // the handshake: a refused token closes the connection before the pong
    } catch (error) {
      if (this.transport === transport) this.transport = null;
      transport.onClose = () => {};
      transport.close();
      if (this.options.token && !(error instanceof MistError)) {
        throw new MistError('auth', 'the server refused the token: it closed the connection without a reply');
      }
      throw error;
    }
    handshaking = false;
    for (const { tags, since } of this.subscriptions.values()) {
      // A replaying subscription goes on after the last message received.
      transport.send(since === undefined ? { command: 'subscribe', tags } :
        { command: 'subscribe', tags, since: this.lastId >= 0 ? this.lastId + 1 : since });
    }
    this.delay = this.options.reconnectDelay;
  }

  /** The connection dropped after it was established: fail what waits, and reconnect if asked to. */
  _lost(why) {
    this._failAll(new Error(`connection to ${this.url} lost${why ? ' - ' + why : ''}`));
    if (this.closed) return;
    this._emit('error', new Error(`connection to ${this.url} lost${this.options.reconnect ? '; reconnecting' : ''}`));
    if (!this.options.reconnect) {
      this.close();
      return;
    }
    this._scheduleReconnect();
  }

  _scheduleReconnect() {
    const delay = this.delay;
    this.delay = Math.min(this.delay * 2, this.options.maxReconnectDelay);
    this.retry = setTimeout(() => {
      if (this.closed) return;
      this._open().catch((error) => {
        this._emit('error', new Error(`reconnect to ${this.url} failed - ${error.message}`));
        if (!this.closed) this._scheduleReconnect();
      });
    }, delay);
  }

  _send(message) {
    if (!this.transport) throw new Error(`not connected to ${this.url}`);
    const waiting = this.transport.buffered();
    if (waiting > this.options.maxSendBuffer) {
      throw new Error(`${this.url} is not taking messages as fast as they are sent: ${waiting} bytes wait ` +
        `(maxSendBuffer ${this.options.maxSendBuffer})`);
    }
    this.transport.send(message);
  }

  _request(message) {
    return new Promise((resolve, reject) => {
      this._expect({ command: message.command, resolve, reject, ack: false });
      try {
        this._send(message);
      } catch (error) {
        this._forget(resolve);
        reject(error);
      }
    });
  }

  _acknowledged(message) {
    return new Promise((resolve, reject) => {
      this._expect({ command: message.command, resolve: () => resolve(), reject, ack: true });
      try {
        this._send(message);
        this._send({ command: 'ping' });
      } catch (error) {
        this._forget(resolve);
        reject(error);
      }
    });
  }

  _expect(entry) {
    entry.timer = setTimeout(() => {
      this._forget(entry.resolve);
      entry.reject(new Error(`no reply to '${entry.command}' within ${this.options.replyTimeout} ms`));
    }, this.options.replyTimeout);
    this.waiting.push(entry);
  }

  _forget(resolve) {
    const index = this.waiting.findIndex((entry) => entry.resolve === resolve);
    if (index >= 0) clearTimeout(this.waiting.splice(index, 1)[0].timer);
  }

  _failAll(error) {
    for (const entry of this.waiting.splice(0)) {
      clearTimeout(entry.timer);
      entry.reject(error);
    }
  }

  _received(line) {
    let message;
    try {
      message = JSON.parse(line);
    } catch {
      this._emit('error', new Error('unreadable message from the server: ' + line.slice(0, 100)));
      return;
    }
    if (message.command === 'publish' && !message.error) {
      const delivery = { tags: message.tags ?? [], data: message.data ?? '' };
      if (Number.isSafeInteger(message.id)) {
        delivery.id = message.id;
        if (message.id > this.lastId) this.lastId = message.id;
      }
      this._deliver(delivery);
      return;
    }
    const head = this.waiting[0];
    if (head && head.ack) {
      if (message.error && message.command === head.command) {
        head.reject(new MistError(message.command, message.error)); // its ping's pong still comes, and ends it
        return;
      }
      if (message.command === 'ping' && !message.error) {
        this.waiting.shift();
        clearTimeout(head.timer);
        head.resolve();
        return;
      }
    } else if (head && message.command === head.command) {
      this.waiting.shift();
      clearTimeout(head.timer);
      if (message.error) head.reject(new MistError(message.command, message.error));
      else head.resolve(message);
      return;
    }
    if (message.error) this._emit('error', new MistError(message.command ?? '', message.error));
  }

  _deliver(message) {
    for (const entry of this.subscriptions.values()) {
      if (entry.tags.every((tag) => message.tags.includes(tag))) {
        for (const handler of entry.handlers) {
          try {
            handler(message);
          } catch (error) {
            this._emit('error', error);
          }
        }
      }
    }
    const reader = this.readers.shift();
    if (reader) reader(message);
    else if (this.queue.length < this.options.maxQueue) this.queue.push(message);
    else this.dropped++;
  }

  _emit(event, value) {
    for (const listener of this.listeners[event]) listener(value);
  }
}

function checkTags(tags) {
  if (!Array.isArray(tags) || tags.length === 0 || tags.some((tag) => typeof tag !== 'string')) {
    throw new TypeError('tags must be a non-empty array of strings');
  }
  return tags;
}

// --- transports ----------------------------------------------------------------------------------------------------

async function openTransport(url, token, onLine) {
  const scheme = url.slice(0, url.indexOf(':'));
  if (scheme === 'tcp') return openTcp(url, onLine);
  if (scheme === 'ws' || scheme === 'wss') return openWebSocket(url, token, onLine);
  throw new TypeError(`unsupported URL '${url}': use ws://, wss:// or (in Node) tcp://`);
}

async function webSocketClass() {
  if (typeof globalThis.WebSocket === 'function') return globalThis.WebSocket;
  const ws = await import('ws'); // Node before 22 has no WebSocket of its own
  return ws.WebSocket;
}

async function openWebSocket(url, token, onLine) {
  const WebSocketClass = await webSocketClass();
  let target = url;
  if (token) {
    // Browsers cannot set headers on a WebSocket; mist reads the token from the query too.
    target += (url.includes('?') ? '&' : '?') + 'x-auth-token=' + encodeURIComponent(token);
  }
  const socket = new WebSocketClass(target);
  const transport = {
    kind: 'ws',
    onClose: () => {},
    send: (message) => socket.send(JSON.stringify(message)),
    buffered: () => socket.bufferedAmount,
    close: () => socket.close(),
  };
  await new Promise((resolve, reject) => {
    socket.onopen = () => resolve();
    socket.onerror = () =>
      reject(token ? new MistError('auth', `the server refused the connection to ${url} (a wrong token?)`)
        : new Error(`cannot connect to ${url}`));
  });
  socket.onmessage = (event) => {
    const text = typeof event.data === 'string' ? event.data : new TextDecoder().decode(event.data);
    for (const line of text.split('\n')) if (line.trim()) onLine(line);
  };
  socket.onclose = (event) => transport.onClose(event.reason || (event.code ? 'code ' + event.code : ''));
  socket.onerror = () => {};
  return transport;
}

async function openTcp(url, onLine) {
  const net = await import('node:net');
  const { hostname, port } = new URL(url.replace(/^tcp:/, 'http:'));
  const socket = net.connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port) });
  const transport = {
    kind: 'tcp',
    onClose: () => {},
    send: (message) => socket.write(JSON.stringify(message) + '\n'),
    buffered: () => socket.writableLength,
    close: () => socket.destroy(),
  };
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', (error) => reject(new Error(`cannot connect to ${url} - ${error.message}`)));
  });
  socket.setNoDelay(true);
  let pending = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk) => {
    pending += chunk;
    let newline;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      if (line.trim()) onLine(line);
    }
  });
  socket.on('error', () => {});
  socket.on('close', () => transport.onClose(''));
  return transport;
}
