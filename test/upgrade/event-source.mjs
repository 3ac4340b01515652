// A stream client that behaves like a browser's EventSource on GET /api/stream: it parses the event stream as the
// HTML standard says, and when the stream ends or the connection fails it reconnects after the server's `retry:` delay,
// sending the id of the last event it got as Last-Event-ID. It records every message id it receives.
import { request } from 'node:http';

const DEFAULT_RETRY_MS = 3000;

export class EventSourceClient {
  /** Every message id received, in arrival order. */
  ids = [];
  /** One entry per connection attempt: when, which instance served it, how it went and how it ended. */
  connections = [];
  /** Opens answered with something other than a 200 event stream, and connections that failed. */
  failures = [];
  resets = 0;
  lastEventId;
  retryMs = DEFAULT_RETRY_MS;
  closed = false;

  constructor({ url, authorization, lastEventId, name }) {
    Object.assign(this, { url, authorization, lastEventId, name });
    this.waiters = new Set();
  }

  get reconnects() {
    return Math.max(0, this.connections.length - 1);
  }

  /** Whether the current connection is open with a 200 event stream. */
  get open() {
    const current = this.connections.at(-1);
    return current?.status === 200 && current.endedAt === undefined;
  }

  connect() {
    if (this.closed) return;
    const connection = { startedAt: Date.now(), lastEventId: this.lastEventId };
    this.connections.push(connection);
    const headers = {
      Authorization: this.authorization,
      Accept: 'text/event-stream',
      'Cache-Control': 'no-cache',
    };
    if (this.lastEventId !== undefined) headers['Last-Event-ID'] = this.lastEventId;
    let settled = false;
    const finish = (reason) => {
      if (settled) return;
      settled = true;
      connection.endedAt = Date.now();
      connection.end = reason;
      this.notify();
      if (!this.closed) this.timer = setTimeout(() => this.connect(), this.retryMs);
    };
    const req = request(this.url, { headers, agent: false }, (res) => {
      connection.status = res.statusCode;
      connection.servedBy = res.headers['x-served-by'];
      connection.openedAt = Date.now();
      if (res.statusCode !== 200 || !String(res.headers['content-type']).startsWith('text/event-stream')) {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => {
          this.failures.push({
            at: connection.startedAt,
            status: res.statusCode,
            body: body.slice(0, 200),
            servedBy: connection.servedBy,
          });
          finish(`status ${res.statusCode}`);
        });
        res.on('error', () => finish(`status ${res.statusCode}`));
        return;
      }
      this.notify();
      const parser = new EventStreamParser((event) => this.dispatch(event));
      res.setEncoding('utf8');
      res.on('data', (chunk) => parser.push(chunk));
      res.on('end', () => finish('ended'));
      // A stream cut off rather than ended: the server should end its streams cleanly when it shuts down.
      const cut = (reason) => {
        if (settled || this.closed) return finish('closed');
        this.failures.push({ at: Date.now(), error: reason, servedBy: connection.servedBy });
        finish(reason);
      };
      res.on('error', (error) => cut(`error ${error.code ?? error.message}`));
      res.on('close', () => cut('cut off'));
    });
    req.on('error', (error) => {
      if (this.closed) return finish('closed');
      this.failures.push({ at: connection.startedAt, error: error.code ?? error.message });
      finish(`error ${error.code ?? error.message}`);
    });
    req.end();
    this.req = req;
  }

  close() {
    this.closed = true;
    clearTimeout(this.timer);
    this.req?.destroy();
  }

  /** Resolves once `predicate()` holds, or rejects after `timeoutMs`. */
  async until(predicate, timeoutMs, what) {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.name}: timed out waiting for ${what}`);
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.add(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  dispatch({ type, data, id, retry }) {
    if (retry !== undefined) this.retryMs = retry;
    if (id !== undefined) this.lastEventId = id;
    if (data === undefined) return;
    if (type === 'message') this.ids.push(JSON.parse(data).id);
    else if (type === 'reset') this.resets++;
    this.notify();
  }

  notify() {
    for (const wake of this.waiters) wake();
    this.waiters.clear();
  }
}

/** The event stream format (HTML standard, "Parsing an event stream"): fields up to a blank line make one event. */
class EventStreamParser {
  constructor(onEvent) {
    this.onEvent = onEvent;
    this.buffer = '';
    this.reset();
  }

  reset() {
    this.type = '';
    this.data = [];
    this.hasData = false;
  }

  push(chunk) {
    this.buffer += chunk;
    // A \r at the end may be the first half of a \r\n: wait for the next chunk.
    const complete = this.buffer.endsWith('\r') ? this.buffer.slice(0, -1) : this.buffer;
    const lines = complete.split(/\r\n|\r|\n/);
    this.buffer = lines.pop() + this.buffer.slice(complete.length);
    for (const line of lines) this.line(line);
  }

  line(line) {
    if (line === '') {
      this.onEvent({
        type: this.type || 'message',
        data: this.hasData ? this.data.join('\n') : undefined,
        id: this.id,
        retry: this.retry,
      });
      this.id = undefined;
      this.retry = undefined;
      return this.reset();
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') this.type = value;
    else if (field === 'data') {
      this.data.push(value);
      this.hasData = true;
    } else if (field === 'id' && !value.includes('\0')) this.id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retry = Number(value);
  }
}
