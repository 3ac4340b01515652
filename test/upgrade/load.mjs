// Steady load through the proxy: loops that each send one request at a time at a fixed pace, POSTs of messages with a
// clientMsgId and GETs of pages. Nothing is retried here: every answer is recorded as it came.
import { Agent, request } from 'node:http';

const TIMEOUT_MS = 15_000;

export class LoadGenerator {
  /** One record per request: kind, phase, start, duration, status or error, served by, and for POSTs the message. */
  records = [];
  phase = 'start';

  /**
   * `posters` and `readers` are the Authorization headers of the loops (one loop each); each loop sends a request every
   * `intervalMs`.
   */
  constructor({ baseUrl, posters, readers, intervalMs, runId }) {
    Object.assign(this, { baseUrl, posters, readers, intervalMs, runId });
    this.agent = new Agent({ keepAlive: true, maxSockets: posters.length + readers.length });
    this.running = false;
    this.newestId = 0;
  }

  start() {
    this.running = true;
    this.loops = [
      ...this.posters.map((authorization, i) =>
        this.loop((seq) => this.post(authorization, `${this.runId}-${i}-${seq}`)),
      ),
      ...this.readers.map((authorization, i) =>
        this.loop((seq) => this.get(authorization, (i + seq) % 2 === 0)),
      ),
    ];
  }

  async stop() {
    this.running = false;
    await Promise.all(this.loops);
    this.agent.destroy();
  }

  async loop(send) {
    // Loops start spread over one interval, so that requests do not go out in bursts.
    await sleep(Math.random() * this.intervalMs);
    for (let seq = 1; this.running; seq++) {
      const started = Date.now();
      await send(seq);
      await sleep(this.intervalMs - (Date.now() - started));
    }
  }

  async post(authorization, clientMsgId) {
    const body = JSON.stringify({ text: `load ${clientMsgId}`, clientMsgId });
    const record = await this.send('POST', '/api/messages', authorization, body);
    record.clientMsgId = clientMsgId;
    record.id = record.status === 200 || record.status === 201 ? parse(record.body)?.id : undefined;
    record.ok = Number.isSafeInteger(record.id);
    if (record.ok) this.newestId = Math.max(this.newestId, record.id);
    delete record.body;
  }

  /** The newest page, or the page after the newest message this generator saw stored. */
  async get(authorization, newest) {
    const path =
      newest || !this.newestId
        ? '/api/messages?limit=50'
        : `/api/messages?after=${this.newestId - 1}&limit=50`;
    const record = await this.send('GET', path, authorization);
    record.ok = record.status === 200 && Array.isArray(parse(record.body)?.messages);
    delete record.body;
  }

  send(method, path, authorization, body) {
    const record = { kind: method, path, phase: this.phase, startedAt: Date.now() };
    this.records.push(record);
    return new Promise((resolve) => {
      const headers = { Authorization: authorization };
      if (body)
        Object.assign(headers, {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(body),
        });
      const req = request(
        `${this.baseUrl}${path}`,
        { method, headers, agent: this.agent, timeout: TIMEOUT_MS },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk) => (text += chunk));
          res.on('end', () => {
            Object.assign(record, {
              status: res.statusCode,
              servedBy: res.headers['x-served-by'],
              ms: Date.now() - record.startedAt,
              body: text,
            });
            if (res.statusCode >= 300) record.error = text.slice(0, 200);
            resolve(record);
          });
          res.on('error', (error) => {
            Object.assign(record, {
              error: `response ${error.code ?? error.message}`,
              ms: Date.now() - record.startedAt,
              body: '',
            });
            resolve(record);
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer in ${TIMEOUT_MS} ms`)));
      req.on('error', (error) => {
        if (record.ms !== undefined) return;
        Object.assign(record, {
          error: error.code ?? error.message,
          ms: Date.now() - record.startedAt,
          body: '',
        });
        resolve(record);
      });
      req.end(body);
    });
  }
}

function parse(json) {
  try {
    return JSON.parse(json);
  } catch {
    return undefined;
  }
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
