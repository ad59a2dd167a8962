// Starts the real mist server (server/target/mist.jar, built by Maven before these tests) on ephemeral ports.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const jar = path.join(root, 'server/target/mist.jar');

/** A free loopback port, for a server that must come back on the same one. */
export async function freePort() {
  const net = await import('node:net');
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export async function startMist(...flags) {
  if (!existsSync(jar)) throw new Error(`${jar} is missing: build it first (./mvnw -B -q package -DskipTests)`);
  const java = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin/java') : 'java';
  const listeners = flags.includes('--listeners') ? [] : ['--listeners', 'tcp://127.0.0.1:0,http://127.0.0.1:0'];
  const child = spawn(java, ['--add-exports', 'java.base/jdk.internal.misc=ALL-UNNAMED', '-jar', jar, '--server',
    ...listeners, ...flags], { stdio: ['ignore', 'pipe', 'pipe'] });
  const ports = {};
  let log = '';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('mist did not start within 30 s:\n' + log)), 30000);
    const onData = (chunk) => {
      log += chunk;
      for (const m of log.matchAll(/(\w+) server listening at '127\.0\.0\.1:(\d+)'/g)) ports[m[1]] = Number(m[2]);
      if (log.includes('mist started')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    child.once('exit', (code) => reject(new Error(`mist exited with ${code}:\n${log}`)));
  });
  return {
    tcp: `tcp://127.0.0.1:${ports.TCP}`,
    ws: `ws://127.0.0.1:${ports.HTTP}/subscribe/websocket`,
    http: `http://127.0.0.1:${ports.HTTP}`,
    stop: () => new Promise((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGKILL');
    }),
    log: () => log,
  };
}
