/** A matched range of a message's text: [start, end) in UTF-16 code units, as JavaScript indexes strings. */
export type Highlight = readonly [start: number, end: number];

/** The parts of a Message (API.md) a result shows. */
export interface FoundMessage {
  id: number;
  channel: string;
  user: string;
  text: string;
  createdAt: string;
}

/** The parts of a Channel (API.md) a result shows: DMs are named by their members. */
export interface FoundChannel {
  name: string;
  kind: 'channel' | 'dm';
  private: boolean;
  members?: string[];
}

/** One result of `GET /api/search`; `highlights` are sorted and do not overlap. */
export interface SearchResult {
  message: FoundMessage;
  channel: FoundChannel;
  highlights: Highlight[];
}

/** One page of `GET /api/search`, newest first; the next page is `before=` the last result's id. */
export interface SearchPage {
  results: SearchResult[];
  hasMore: boolean;
}

/** The longest query the server takes. */
export const MAX_QUERY_LENGTH = 500;
export const SEARCH_PAGE_SIZE = 20;
