// Compiled (not run) by `tsc --noEmit`: the README's use of the client type-checks against src/index.d.ts.
import { connect, MistError, type Message } from 'mist-client';

async function example(): Promise<void> {
  const client = await connect('ws://localhost:8888/subscribe/websocket', { token: 'TOKEN', reconnect: true });
  const unsubscribe = await client.subscribe(['hello'], (message: Message) => console.log(message.tags, message.data));
  client.publish(['hello', 'world'], 'hi');
  await client.publishConfirmed(['hello'], 'confirmed');
  const pong: string = await client.ping();
  const listed: string = await client.list();
  for await (const message of client.messages()) {
    console.log(message.data, pong, listed);
    break;
  }
  client.on('error', (error) => {
    if (error instanceof MistError) console.log(error.command);
  });
  const replaying = await client.subscribe(['news'], (message: Message) => console.log(message.id ?? -1),
    { since: 0 });
  await replaying();
  await unsubscribe();
  client.close();
}
void example;
