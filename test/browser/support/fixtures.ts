import { test as base, expect, type Browser, type ConsoleMessage, type ViewportSize } from '@playwright/test';
import { ChatPage } from './chat-page.js';
import { ChatServer } from './chat-server.js';

interface Fixtures {
  /** A fresh server per test: nothing carries over between tests. */
  server: ChatServer;
  /** Extra environment for that server, e.g. `{ SIGNUP: 'approval' }`. */
  serverEnv: Record<string, string>;
  /** Console messages a test expects (e.g. the 401 of a wrong password); any other error or warning fails it. */
  allowedConsole: RegExp[];
  /** Opens the page in a new browser context (a separate person). */
  newChatPage: (options?: { viewport?: ViewportSize }) => Promise<ChatPage>;
}

function describe(message: ConsoleMessage): string {
  const { url } = message.location();
  return `${message.type()}: ${message.text()}${url ? ` (${url})` : ''}`;
}

export const test = base.extend<Fixtures>({
  allowedConsole: [[], { option: true }],
  serverEnv: [{}, { option: true }],

  server: async ({ serverEnv }, use) => {
    const server = await ChatServer.start(serverEnv);
    await use(server);
    await server.stop();
  },

  newChatPage: async ({ browser, server, allowedConsole }, use) => {
    const problems: string[] = [];
    const contexts: Awaited<ReturnType<Browser['newContext']>>[] = [];
    await use(async (options = {}) => {
      const context = await browser.newContext({
        viewport: options.viewport ?? { width: 1280, height: 800 },
      });
      contexts.push(context);
      const page = await context.newPage();
      page.on('console', (message) => {
        if (message.type() !== 'error' && message.type() !== 'warning') return;
        const text = describe(message);
        if (!allowedConsole.some((pattern) => pattern.test(text))) problems.push(text);
      });
      page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
      page.on('dialog', (dialog) => {
        problems.push(`dialog: ${dialog.type()} ${dialog.message()}`);
        void dialog.dismiss();
      });
      return new ChatPage(page, server.url);
    });
    for (const context of contexts) await context.close();
    expect(problems, 'browser console errors, warnings or dialogs').toEqual([]);
  },
});

export { expect };
