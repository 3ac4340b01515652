import { Injectable } from '@nestjs/common';
import { dmName, ChannelDirectory } from '../channels/channel-directory.js';
import { channelView, type ChannelView } from '../channels/channel-view.js';
import { DomainError } from '../common/domain-error.js';
import type { Message } from '../messages/message.js';
import { MessagesService } from '../messages/messages.service.js';
import { highlights } from './search-filter.js';
import { parseSearchQuery, searchFilter } from './search-query.js';

export interface SearchResult {
  message: Message;
  channel: ChannelView;
  highlights: [number, number][];
}

/** GET /api/search (API.md, Search): a query, over the channels the user can read, newest first. */
@Injectable()
export class SearchService {
  constructor(
    private readonly messages: MessagesService,
    private readonly directory: ChannelDirectory,
  ) {}

  async search(
    username: string,
    request: { q: string; limit: number; before?: number },
  ): Promise<{ results: SearchResult[]; hasMore: boolean }> {
    const query = parseSearchQuery(request.q);
    const channels = this.channelsToSearch(username, query.in);
    const filter = searchFilter(query, channels, request.before);
    const found = await this.messages.search(filter, request.limit + 1);
    const views = new Map<string, ChannelView>();
    const viewOf = (name: string) => views.get(name) ?? views.set(name, this.view(username, name)).get(name)!;
    return {
      results: found.slice(0, request.limit).map((message) => ({
        message,
        channel: viewOf(message.channel),
        highlights: highlights(query.include, message.text),
      })),
      hasMore: found.length > request.limit,
    };
  }

  /** Every channel the user can read, or those of `in:` (`@bob`: the DM with bob), each of which they must read. */
  private channelsToSearch(username: string, names: readonly string[]): string[] {
    const readable = this.directory.visibleTo(username).map((c) => c.name);
    if (names.length === 0) return readable;
    return [
      ...new Set(
        names.map((name) => {
          const channel = name.startsWith('@') ? dmName([username, name.slice(1)]) : name;
          if (!readable.includes(channel)) {
            throw DomainError.badRequest(
              name.startsWith('@')
                ? `in: no direct messages with ${name.slice(1)}`
                : `in: no channel named ${name}`,
            );
          }
          return channel;
        }),
      ),
    ];
  }

  private view(username: string, name: string): ChannelView {
    const channel = this.directory.find(username, name);
    return channelView(channel, {
      member: this.directory.isMember(username, name),
      ...(channel.kind === 'dm' && { members: this.directory.membersOf(name).map((m) => m.username) }),
    });
  }
}
