// Container health probe (the Dockerfile's HEALTHCHECK; scripts/docker-steps.sh runs it too): exits 0 when
// GET /api/health answers 200 within 4 s, 1 otherwise. Plain node, because slim images have no curl.
// It follows the server's own settings: PORT, HOST (0.0.0.0 / :: are probed on loopback) and TLS_CERT_FILE +
// TLS_KEY_FILE (HTTPS then; the certificate names the public host, not the loopback address, so it is not checked).
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

const env = process.env;
const tls = Boolean(env.TLS_CERT_FILE && env.TLS_KEY_FILE);
const bound = env.HOST || '127.0.0.1';
const host = bound === '0.0.0.0' ? '127.0.0.1' : bound === '::' ? '::1' : bound;
const port = Number(env.PORT || 3000);

const req = (tls ? httpsRequest : httpRequest)(
  { host, port, path: '/api/health', timeout: 4000, rejectUnauthorized: false, headers: { 'User-Agent': 'healthcheck' } },
  (res) => {
    res.resume();
    if (res.statusCode !== 200) console.error(`health: ${res.statusCode}`);
    process.exit(res.statusCode === 200 ? 0 : 1);
  },
);
req.on('timeout', () => req.destroy(new Error('no answer within 4 s')));
req.on('error', (error) => {
  console.error(`health: ${error.message}`);
  process.exit(1);
});
req.end();
