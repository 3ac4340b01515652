/** A chat message as the API returns it (API.md, Message). */
export interface Message {
  id: number;
  /** The channel or DM it belongs to; absent only from servers older than channels (then `general`). */
  channel?: string;
  user: string;
  text: string;
  createdAt: string;
  clientMsgId?: string;
}

/** One page of `GET /api/channels/:name/messages`, ascending by id. */
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
  /**
   * Whether newer messages exist after the last one: only a window opened at an older message (a search result)
   * that did not reach the newest. Live messages do not join such a window, as they would not follow on from it.
   */
  hasNewer: boolean;
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

/** The channel every user is in, and the one the page opens on. */
export const DEFAULT_CHANNEL = 'general';
