import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  authOf,
  freePort,
  freshAddress,
  outputMatching,
  rawConnect,
  type RunningServer,
  send,
  sleep,
  startServer,
} from './harness.js';

/** A throwaway self-signed certificate for `name`, with openssl, as scripts/dev-cert.sh makes one. */
async function selfSigned(dir: string, name: string, san: string) {
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  await promisify(execFile)('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    '1',
    '-subj',
    `/CN=${name}`,
    '-addext',
    `subjectAltName=${san}`,
    '-keyout',
    keyFile,
    '-out',
    certFile,
  ]);
  return { certFile, keyFile, cert: await readFile(certFile) };
}

describe('attack: impersonating the server (TLS_CERT_FILE, TLS_KEY_FILE, HTTP_REDIRECT_PORT; HEADERS_TIMEOUT_SECONDS=2, MAX_CONNECTIONS_PER_ADDRESS=20)', () => {
  let dir: string;
  let server: RunningServer;
  let ours: Awaited<ReturnType<typeof selfSigned>>;
  let impostor: Awaited<ReturnType<typeof selfSigned>>;
  let redirectPort: number;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'chat-tls-'));
    ours = await selfSigned(dir, 'localhost', 'DNS:localhost,IP:127.0.0.1');
    impostor = await selfSigned(dir, 'impostor', 'DNS:localhost,IP:127.0.0.1');
    redirectPort = await freePort();
    server = await startServer({
      TLS_CERT_FILE: ours.certFile,
      TLS_KEY_FILE: ours.keyFile,
      HTTP_REDIRECT_PORT: String(redirectPort),
      HOST: '0.0.0.0',
      HEADERS_TIMEOUT_SECONDS: '2',
      MAX_CONNECTIONS_PER_ADDRESS: '20',
    });
  }, 40_000);
  afterAll(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves HTTPS to a client that trusts the certificate, with Strict-Transport-Security', async () => {
    const res = await send(`${server.base}/api/me`, {
      headers: { Authorization: authOf('alice') },
      ca: ours.cert,
    });
    expect(res.status).toBe(200);
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
  });

  it('is refused by a client with the default certificate authorities (a self-signed certificate proves nothing)', async () => {
    await expect(send(`${server.base}/api/health`)).rejects.toMatchObject({
      code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
    });
  });

  it('is refused by a client that expects another certificate, before any credentials are sent', async () => {
    await expect(
      send(`${server.base}/api/me`, { headers: { Authorization: authOf('alice') }, ca: impostor.cert }),
    ).rejects.toMatchObject({ code: expect.stringMatching(/CERT|SIGNATURE/) });
  });

  it('is refused by a client that expects another host name on the certificate', async () => {
    await expect(
      send(`${server.base}/api/health`, { ca: ours.cert, servername: 'chat.example.com' }),
    ).rejects.toMatchObject({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
  });

  it('does not answer plain HTTP on the HTTPS port', async () => {
    await expect(send(`http://127.0.0.1:${server.port}/api/health`)).rejects.toThrow();
  });

  it('redirects plain HTTP on HTTP_REDIRECT_PORT to the same path over HTTPS with 301', async () => {
    const res = await send(`http://127.0.0.1:${redirectPort}/api/messages?limit=5`);
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe(`https://127.0.0.1:${server.port}/api/messages?limit=5`);
  });

  /** Milliseconds until the server closes a connection that sends nothing, or Infinity after 4.6 s. */
  async function idleCloseMs(port: number): Promise<number> {
    const idle = await rawConnect(port, freshAddress());
    const ms = await Promise.race([idle.closed, sleep(4600).then(() => Infinity)]);
    idle.socket.destroy();
    return ms;
  }

  // BROKEN: the headers timeout starts only after the TLS handshake, and the HTTPS server is created without
  // `handshakeTimeout` (src/common/hardened-express.adapter.ts), so Node's default of 120 s applies: a client
  // that connects and never sends a ClientHello holds its socket 120 s instead of HEADERS_TIMEOUT_SECONDS.
  // Fix: pass `handshakeTimeout: limits.headersTimeoutMs` to createHttpsServer.
  it('closes a connection that never starts the TLS handshake after the headers timeout', async () => {
    expect(await idleCloseMs(server.port)).toBeLessThan(4500);
  });

  // BROKEN: the HTTP_REDIRECT_PORT listener (startRedirectListener in src/main.ts) is a plain createServer()
  // with Node's defaults: none of the hardened limits apply (headers timeout 60 s, checked every 30 s, no
  // per-address or total connection cap), and its sockets share the process's file-descriptor limit with the
  // HTTPS listener. Fix: create it with the same options and capConnectionsPerAddress/maxConnections.
  it('closes an idle connection to HTTP_REDIRECT_PORT after the headers timeout', async () => {
    expect(await idleCloseMs(redirectPort)).toBeLessThan(4500);
  });

  // BROKEN: see above; 25 connections from one address are all held open.
  it('caps connections per address on HTTP_REDIRECT_PORT too', async () => {
    const address = freshAddress();
    const clients = await Promise.all(Array.from({ length: 25 }, () => rawConnect(redirectPort, address)));
    await sleep(300);
    const dropped = clients.filter((c) => c.isClosed()).length;
    for (const client of clients) client.socket.destroy();
    expect(dropped).toBe(5);
  });

  it('logs no plain-HTTP warning when it serves HTTPS off loopback', async () => {
    const output = await outputMatching(server, (o) =>
      o.includes(`listening on https://0.0.0.0:${server.port}`),
    );
    expect(output).not.toContain('plain HTTP');
  });
});

describe('attack: sniffing passwords on the network (plain HTTP off loopback)', () => {
  const WARNING = 'Serving Basic auth over plain HTTP on 0.0.0.0';
  let exposed: RunningServer;
  let loopback: RunningServer;
  beforeAll(async () => {
    [exposed, loopback] = await Promise.all([
      startServer({ HOST: '0.0.0.0' }),
      startServer({ HOST: '127.0.0.1' }),
    ]);
  }, 40_000);
  afterAll(() => Promise.all([exposed?.stop(), loopback?.stop()]));

  it('logs a warning at start when it serves Basic auth over plain HTTP on HOST=0.0.0.0', async () => {
    const output = await outputMatching(exposed, (o) => o.includes(WARNING));
    const line = output.split('\n').find((l) => l.includes(WARNING));
    expect(line).toMatch(/WARN|"level":(40|"warn")/); // Nest's console logger or pino's JSON
  });

  it('logs no such warning on loopback', async () => {
    const output = await outputMatching(loopback, (o) => o.includes('listening on http://127.0.0.1'));
    expect(output).not.toContain('plain HTTP');
  });
});
