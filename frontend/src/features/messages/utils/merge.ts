import type { Message } from '../types';

/** `current` plus `incoming`, ascending by id, each id once (a message seen twice is kept as first seen). */
export function mergeMessages(current: readonly Message[], incoming: readonly Message[]): Message[] {
  if (incoming.length === 0) return [...current];
  const lastId = current.at(-1)?.id ?? -Infinity;
  if (incoming.every((m, i) => m.id > lastId && (i === 0 || m.id > (incoming[i - 1]?.id ?? -Infinity)))) {
    return [...current, ...incoming];
  }
  const byId = new Map<number, Message>();
  for (const message of [...current, ...incoming]) if (!byId.has(message.id)) byId.set(message.id, message);
  return [...byId.values()].sort((a, b) => a.id - b.id);
}
