import { useEffect, useRef, useState } from 'react';
import type { ApiClient } from '../lib/api-client';
import { useChannelEvents } from '../features/channels/hooks/useChannelEvents';
import type { Channel } from '../features/channels/types';
import { newestMessageId } from '../features/channels/utils/channels';
import { runLiveUpdates, type ConnectionState } from '../features/messages/api/live-updates';
import { getMessagesAfter } from '../features/messages/api/messages';
import { useMessageCache } from '../features/messages/hooks/useMessageCache';

interface LiveUpdatesOptions {
  api: ApiClient;
  /** The channel list once loaded: the stream starts after its newest message, so nothing after it is missed. */
  channels: readonly Channel[] | undefined;
  /** The open channel's name. */
  open: string;
  /** The user left, or was removed from, the open channel. */
  onLeftOpenChannel: (channel: string) => void;
}

/**
 * The page's one `GET /api/stream` for every channel: each message goes into its channel's cache and counts as
 * unread elsewhere; membership events reload the channel list (and the open channel's members).
 */
export function useLiveUpdates({
  api,
  channels,
  open,
  onLeftOpenChannel,
}: LiveUpdatesOptions): ConnectionState {
  const messages = useMessageCache(api);
  const channelEvents = useChannelEvents(api.username);
  const [connection, setConnection] = useState<ConnectionState>('connecting');
  // The stream outlives channel switches and list reloads; its handlers read the current values from here.
  const current = useRef({ open, channels, onLeftOpenChannel, messages, channelEvents });
  useEffect(() => {
    current.current = { open, channels, onLeftOpenChannel, messages, channelEvents };
  });

  const ready = channels !== undefined;
  useEffect(() => {
    if (!ready) return;
    const controller = new AbortController();
    const now = () => current.current;
    runLiveUpdates(api, {
      after: newestMessageId(now().channels ?? []),
      onMessages: (incoming) => {
        now().messages.deliver(incoming);
        now().channelEvents.countMessages(incoming, now().open);
      },
      onReset: () => {
        void now().messages.reset(now().open);
        void now().channelEvents.reload();
      },
      onEvent: (type, data) => {
        const { leftOpenChannel } = now().channelEvents.handleEvent(type, data, now().open);
        if (leftOpenChannel) now().onLeftOpenChannel(leftOpenChannel);
      },
      onReconnected: () => void now().channelEvents.reload(),
      // Without a stream (an older server) only the open channel can be followed.
      poll: async (after, signal) => {
        const channel = now().open;
        const page = await getMessagesAfter(api, channel, after, signal);
        return { ...page, messages: page.messages.map((m) => ({ ...m, channel: m.channel ?? channel })) };
      },
      onState: setConnection,
      signal: controller.signal,
    }).catch(() => setConnection('offline'));
    return () => controller.abort();
  }, [api, ready]);

  return connection;
}
