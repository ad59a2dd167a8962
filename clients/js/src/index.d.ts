/** A message delivered to a subscription: its tags (sorted, as mist sends them) and its data. */
export interface Message {
  tags: string[];
  data: string;
  /** The message's number on the server, once this client subscribed with `since` (mist for the JVM). */
  id?: number;
}

export interface SubscribeOptions {
  /** Replay: first the messages the server kept from this id on, then live ones; resumed after a reconnect. */
  since?: number;
}

export interface ConnectOptions {
  /** The token: on TCP the first message's data, on WebSocket the x-auth-token query parameter. */
  token?: string;
  /** Reconnect when the connection drops, doubling the delay up to maxReconnectDelay, and subscribe again. */
  reconnect?: boolean;
  /** Milliseconds before the first reconnect. Default 200. */
  reconnectDelay?: number;
  /** Milliseconds between reconnects at most. Default 5000. */
  maxReconnectDelay?: number;
  /** Milliseconds a command waits for its reply. Default 10000. */
  replyTimeout?: number;
  /** Deliveries the messages() iterator holds at most; newer ones are dropped and counted. Default 1000. */
  maxQueue?: number;
  /** Bytes that may wait to be sent; beyond them publish throws rather than buffer without end. Default 8 MiB. */
  maxSendBuffer?: number;
}

/** An error reply of the server (e.g. "Forbidden - ..."), or a refused token (command "auth"). */
export class MistError extends Error {
  readonly command: string;
  constructor(command: string, message: string);
}

export interface MistClient {
  readonly url: string;
  /** Deliveries the messages() iterator dropped because maxQueue were waiting. */
  readonly dropped: number;
  /** Subscribes to messages carrying all of tags; resolves once the server applied it, with an unsubscribe. */
  subscribe(tags: string[], handler?: (message: Message) => void, options?: SubscribeOptions):
    Promise<() => Promise<void>>;
  /** Publishes, fire and forget; throws when not connected. */
  publish(tags: string[], data: string): void;
  /** Publishes and resolves once the server handled it; a refusal rejects with a MistError. */
  publishConfirmed(tags: string[], data: string): Promise<void>;
  ping(): Promise<string>;
  /** mist's list of this connection's subscriptions. */
  list(): Promise<string>;
  /** Every delivery, in order. */
  messages(): AsyncIterableIterator<Message>;
  on(event: 'error', listener: (error: Error) => void): () => void;
  on(event: 'close', listener: () => void): () => void;
  close(): void;
}

/** Connects: ws:// or wss:// (browsers and Node), tcp://host:port (Node). */
export function connect(url: string, options?: ConnectOptions): Promise<MistClient>;
