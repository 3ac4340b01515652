import type { Message } from '../message.js';

/** A row of the `messages` table of the SQL stores. */
export interface MessageRow {
  id: number;
  channel: string;
  author: string;
  text: string;
  created_ms: number;
  client_msg_id: string | null;
}

export const MESSAGE_COLUMNS = 'id, channel, author, text, created_ms, client_msg_id';

export function toMessage(row: MessageRow): Message {
  return {
    id: Number(row.id),
    channel: row.channel,
    user: row.author,
    text: row.text,
    createdAt: new Date(Number(row.created_ms)).toISOString(),
    ...(row.client_msg_id !== null && { clientMsgId: row.client_msg_id }),
  };
}

export function toRow(message: Message): MessageRow {
  return {
    id: message.id,
    channel: message.channel,
    author: message.user,
    text: message.text,
    created_ms: Date.parse(message.createdAt),
    client_msg_id: message.clientMsgId ?? null,
  };
}
