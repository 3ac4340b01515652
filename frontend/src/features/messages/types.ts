/** A chat message as the API returns it (API.md, Message). */
export interface Message {
  id: number;
  user: string;
  text: string;
  createdAt: string;
  clientMsgId?: string;
}

/** One page of `GET /api/messages`, ascending by id. */
export interface MessagePage {
  messages: Message[];
  hasOlder: boolean;
  hasNewer: boolean;
}

/** The messages this page shows, ascending by id, without duplicates. */
export interface MessageWindow {
  messages: Message[];
  /** Whether older messages can still be loaded with `before`. */
  hasOlder: boolean;
}

/** A message this page is sending or failed to send. */
export interface OutgoingMessage {
  clientMsgId: string;
  text: string;
  status: 'sending' | 'failed';
  error?: string;
}

export const MAX_MESSAGE_LENGTH = 4000;
export const PAGE_SIZE = 50;
