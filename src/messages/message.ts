/** A chat message as the API shows it (API.md, Message). */
export interface Message {
  id: number;
  /** The channel or DM it was posted in. */
  channel: string;
  user: string;
  text: string;
  createdAt: string;
  clientMsgId?: string;
}

/** One page of messages, ascending by id, and whether retained messages lie beyond either end. */
export interface MessagePage {
  messages: Message[];
  hasOlder: boolean;
  hasNewer: boolean;
}

/** The channel every user is in; `/api/messages` reads and writes it. */
export const GENERAL = 'general';
