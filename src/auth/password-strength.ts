import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { DomainError } from '../common/domain-error.js';

/** zxcvbn's score (0..4) below which a new password is refused (API.md, POST /api/signup). */
export const MIN_PASSWORD_SCORE = 3;
/** Checks queued for the worker at most; more at once are refused with 429 rather than queued without end. */
export const MAX_QUEUED_CHECKS = 32;
const RETRY_AFTER_MS = 1000;

interface Verdict {
  score: number;
  warning: string | null;
  suggestions: string[];
}

type Reply = { id: number } & ({ verdict: Verdict } | { error: string });

const resolveModule = createRequire(import.meta.url).resolve;

/**
 * The worker: zxcvbn-ts with the common and English dictionaries, set up once, answering one check per message. It is
 * CommonJS source for `eval`, so that it runs the same from dist/ and under the test runner, which cannot load a
 * TypeScript worker file.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { ZxcvbnFactory } = require(workerData.core);
const common = require(workerData.common);
const en = require(workerData.en);
const zxcvbn = new ZxcvbnFactory({
  dictionary: { ...common.dictionary, ...en.dictionary },
  graphs: common.adjacencyGraphs,
  translations: en.translations,
});
parentPort.on('message', ({ id, password, userInputs }) => {
  try {
    const { score, feedback } = zxcvbn.check(password, userInputs);
    parentPort.postMessage({ id, verdict: { score, warning: feedback.warning, suggestions: feedback.suggestions } });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message ? error.message : error) });
  }
});
`;

/**
 * Refuses weak passwords, by zxcvbn's estimate. zxcvbn takes from milliseconds to most of a second for one password
 * of up to 72 bytes (its l33t and repeat matching grow fast with length), so it runs in a worker thread of its own,
 * started at the first check, rather than on the event loop.
 */
@Injectable()
export class PasswordStrength implements OnModuleDestroy {
  private worker?: Worker;
  private readonly waiting = new Map<number, { resolve: (v: Verdict) => void; reject: (e: Error) => void }>();
  private nextId = 1;

  /**
   * Throws `bad_request` (`password is too weak: <why>`) for a password scoring below 3; `userInputs` (the
   * username, the display name) count as guessable words.
   */
  async assertStrong(password: string, userInputs: string[]): Promise<void> {
    const { score, warning, suggestions } = await this.check(password, userInputs);
    if (score >= MIN_PASSWORD_SCORE) return;
    const why = warning || suggestions[0] || 'add more words or characters';
    throw DomainError.badRequest(`password is too weak: ${why}`);
  }

  onModuleDestroy(): Promise<void> {
    return this.stop(new Error('the server is shutting down'));
  }

  private check(password: string, userInputs: string[]): Promise<Verdict> {
    if (this.waiting.size >= MAX_QUEUED_CHECKS) {
      return Promise.reject(
        DomainError.rateLimited('Too many password checks at once; try again shortly', RETRY_AFTER_MS),
      );
    }
    const worker = (this.worker ??= this.start());
    const id = this.nextId++;
    return new Promise<Verdict>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ id, password, userInputs });
    });
  }

  private start(): Worker {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        core: resolveModule('@zxcvbn-ts/core'),
        common: resolveModule('@zxcvbn-ts/language-common'),
        en: resolveModule('@zxcvbn-ts/language-en'),
      },
    });
    // An idle worker must not keep the process alive; a waiting request keeps the server's loop busy anyway.
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const waiter = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if ('verdict' in reply) waiter?.resolve(reply.verdict);
      else waiter?.reject(new Error(`password strength check failed: ${reply.error}`));
    });
    // A worker that dies fails the checks it had; the next check starts a new one.
    worker.on('error', (error) => void this.stop(error, worker));
    worker.on(
      'exit',
      (code) => void this.stop(new Error(`password strength worker exited (${code})`), worker),
    );
    return worker;
  }

  private async stop(reason: Error, which = this.worker): Promise<void> {
    if (!which || which !== this.worker) return;
    this.worker = undefined;
    for (const { reject } of this.waiting.values()) reject(reason);
    this.waiting.clear();
    await which.terminate();
  }
}
