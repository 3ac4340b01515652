import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import pg from 'pg';
import { ServerProcess } from './support/server-process.js';
import { newPostgresSchema, newSqlitePath, removeTestStores } from './support/stores.js';
import { authOf } from './support/test-app.js';

interface Message {
  id: number;
  user: string;
  text: string;
  clientMsgId?: string;
}

const fast = {
  SEND_RATE_PER_SECOND: '10000',
  SEND_BURST: '10000',
  RATE_LIMIT_PER_USER_PER_MINUTE: '100000',
  MAX_MESSAGES: '100000',
};
const json = { 'Content-Type': 'application/json' };

async function post(server: ServerProcess, text: string, clientMsgId?: string): Promise<Response> {
  return fetch(`${server.url}/api/messages`, {
    method: 'POST',
    headers: { ...json, Authorization: authOf('alice') },
    body: JSON.stringify({ text, clientMsgId }),
  });
}

/** Every retained message, oldest first, by paging with `after`. */
async function everything(server: ServerProcess): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    const after = all.at(-1)?.id ?? 0;
    const res = await fetch(`${server.url}/api/messages?after=${after}&limit=1000`, {
      headers: { Authorization: authOf('bob') },
    });
    const page = (await res.json()) as { messages: Message[]; hasNewer: boolean };
    all.push(...page.messages);
    if (!page.hasNewer) return all;
  }
}

/** Posts from `clients` loops at once until `stop` resolves; returns every message answered with 201. */
async function flood(server: ServerProcess, clients: number, stop: Promise<unknown>): Promise<Message[]> {
  const accepted: Message[] = [];
  let stopped = false;
  void stop.then(() => (stopped = true));
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let i = 0; !stopped; i++) {
        try {
          const res = await post(server, `client ${client} message ${i}`, `c${client}-${i}`);
          if (res.status === 201) accepted.push((await res.json()) as Message);
        } catch {
          return; // the server is gone
        }
      }
    }),
  );
  return accepted;
}

const stores = [
  {
    name: 'SQLite',
    create() {
      const path = newSqlitePath();
      return Promise.resolve({
        env: { STORE: `sqlite:${path}` },
        /** `PRAGMA integrity_check` of the file as the crash left it. */
        check() {
          const db = new Database(path, { readonly: true });
          try {
            return db.pragma('integrity_check', { simple: true });
          } finally {
            db.close();
          }
        },
      });
    },
  },
  {
    name: 'PostgreSQL',
    async create() {
      const url = await newPostgresSchema();
      return {
        env: { STORE: url },
        /** The bookkeeping row agrees with the table. */
        async check() {
          const client = new pg.Client({ connectionString: url });
          await client.connect();
          try {
            const { rows } = await client.query(
              'SELECT (SELECT count(*) FROM messages) = stored AND ' +
                '(SELECT coalesce(max(id), 0) FROM messages) <= highest_id AS ok FROM store_state',
            );
            return rows[0].ok ? 'ok' : 'store_state disagrees with messages';
          } finally {
            await client.end();
          }
        },
      };
    },
  },
];

afterAll(removeTestStores);

describe.each(stores)('persistence on $name', ({ create }) => {
  const servers: ServerProcess[] = [];
  const start = async (env: Record<string, string>) => {
    const server = await ServerProcess.start({ ...fast, ...env });
    servers.push(server);
    return server;
  };
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.stop()));
  });

  it('keeps messages across a restart, and ids keep increasing', async () => {
    const { env } = await create();
    const first = await start(env);
    const sent = [];
    for (const text of ['before the restart', 'also before'])
      sent.push(await (await post(first, text)).json());
    expect((await first.stop()).code).toBe(0);

    const second = await start(env);
    expect(await everything(second)).toEqual(sent);
    const after = (await (await post(second, 'after the restart')).json()) as Message;
    expect(after.id).toBeGreaterThan((sent[1] as Message).id);
  });

  it('loses no accepted message when the server is killed mid-flood', async () => {
    const store = await create();
    const first = await start(store.env);
    const killed = new Promise((resolve) => setTimeout(resolve, 1500)).then(() =>
      first.child.kill('SIGKILL'),
    );
    const accepted = await flood(first, 6, killed);
    expect((await first.exit).code).toBeNull(); // killed by the signal
    expect(accepted.length).toBeGreaterThan(50);
    expect(await store.check()).toBe('ok');

    const second = await start(store.env);
    const kept = await everything(second);
    const keptById = new Map(kept.map((m) => [m.id, m]));
    for (const message of accepted) expect(keptById.get(message.id)).toEqual(message);
    const ids = kept.map((m) => m.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);

    const next = (await (await post(second, 'after the crash')).json()) as Message;
    expect(next.id).toBeGreaterThan(Math.max(...ids));
  });
});
