import { InvalidArgumentError } from 'commander';
import type { ApiClient } from './api-client.js';

const CHANNEL_NAME = /^[a-z0-9][a-z0-9_-]{0,79}$/;
const USERNAME = /^[a-z0-9][a-z0-9._-]{0,31}$/;

/** What `--channel` names: a channel or DM by name (`design`, `#design`, `dm-…`), or a DM by its members (`@bob,carol`). */
export type ChannelRef = { name: string } | { dmWith: string[] };

/** commander's parser for `--channel`: a bad value is a usage error (exit code 2). */
export function parseChannelRef(value: string): ChannelRef {
  if (value.startsWith('@')) {
    const users = value
      .slice(1)
      .split(/[,@\s]+/)
      .filter((u) => u !== '');
    const bad = users.find((u) => !USERNAME.test(u));
    if (users.length === 0 || bad !== undefined) {
      throw new InvalidArgumentError(`"${bad ?? value}" is not a user name (a DM is @bob or @bob,carol)`);
    }
    return { dmWith: [...new Set(users)] };
  }
  const name = value.replace(/^#/, '');
  if (!CHANNEL_NAME.test(name)) {
    throw new InvalidArgumentError(`"${value}" is not a channel name (lower-case letters, digits, - and _)`);
  }
  return { name };
}

/** The channel's name on the server; a DM named by its members is found (or created, as the web page does). */
export async function resolveChannel(client: ApiClient, ref: ChannelRef): Promise<string> {
  if ('name' in ref) return ref.name;
  const others = ref.dmWith.filter((u) => u !== client.username);
  return (await client.dm(others.length > 0 ? others : ref.dmWith)).name;
}
