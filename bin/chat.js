#!/usr/bin/env node
// The `chat` command (package.json "bin"; `npx chat` in this repository). The client is TypeScript in src/cli,
// compiled to dist/cli by `npm run build` (or `npm run build:server`).
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('chat: not built yet; run `npm run build:server` in the repository first\n');
  process.exit(1);
}
await import(main.href);
