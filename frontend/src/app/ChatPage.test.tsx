import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Channel } from '../features/channels/types';
import type { Message } from '../features/messages/types';
import { fakeApi, json, liveStream, sseFrame, type RecordedRequest } from '../test/fake-server';
import { renderWithQuery } from '../test/render';
import { ChatPage } from './ChatPage';

const channel = (name: string, extra: Partial<Channel> = {}): Channel => ({
  name,
  kind: 'channel',
  topic: '',
  private: false,
  member: true,
  role: 'member',
  unread: 0,
  lastMessageId: null,
  ...extra,
});
const message = (id: number, channelName: string, text: string, user = 'bob'): Message => ({
  id,
  channel: channelName,
  user,
  text,
  createdAt: '2026-11-27T10:00:00.000Z',
});
const users = [
  { username: 'alice', displayName: 'Alice Liddell' },
  { username: 'bob', displayName: 'Bob Builder' },
  { username: 'carol', displayName: 'Carol Danvers' },
];

/** A server with channels, their messages and one live stream the test writes to. */
function chatServer(channels: Channel[], messages: Message[]) {
  const stream = liveStream();
  const state = { channels, messages };
  const { api, requests } = fakeApi(async (request: RecordedRequest) => {
    const [path = '', query = ''] = request.path.split('?');
    if (path === '/api/stream') return stream.response();
    if (path === '/api/users') return json({ users });
    if (path === '/api/channels') return json({ channels: state.channels });
    if (path === '/api/search') {
      const q = new URLSearchParams(query).get('q') ?? '';
      const found = state.messages.filter((m) => m.text.includes(q)).reverse();
      return json({
        results: found.map((m) => ({
          message: m,
          channel: state.channels.find((c) => c.name === m.channel),
          highlights: [[m.text.indexOf(q), m.text.indexOf(q) + q.length]],
        })),
        hasMore: false,
      });
    }
    const match = /^\/api\/channels\/([^/]+)\/(\w+)/.exec(path);
    const name = match?.[1] ?? '';
    switch (`${request.method} ${match?.[2]}`) {
      case 'GET messages': {
        const params = new URLSearchParams(query);
        const after = Number(params.get('after') ?? -1);
        const before = Number(params.get('before') ?? Infinity);
        const list = state.messages.filter((m) => m.channel === name && m.id > after && m.id < before);
        // A long poll with nothing new is held, as the server does.
        if (list.length === 0 && params.has('wait')) return new Promise<Response>(() => undefined);
        return json({ messages: list, hasOlder: false, hasNewer: false });
      }
      case 'POST join':
        state.channels = state.channels.map((c) => (c.name === name ? { ...c, member: true, unread: 0 } : c));
        return json(state.channels.find((c) => c.name === name));
      case 'POST leave':
        state.channels = state.channels.map((c) => (c.name === name ? { ...c, member: false } : c));
        return new Response(null, { status: 204 });
      case 'POST read':
        return new Response(null, { status: 204 });
      case 'GET members':
        return json({ members: [] });
    }
    return json({ statusCode: 404, message: 'Not Found' }, 404);
  });
  return { api, requests, stream, state };
}

function renderPage(api: ReturnType<typeof chatServer>['api'], role: 'user' | 'admin' = 'user') {
  return renderWithQuery(
    <ChatPage
      session={{ api, me: { username: 'alice', displayName: 'Alice Liddell', role } }}
      onSignOut={() => undefined}
    />,
  );
}

const sidebar = () => within(screen.getByRole('complementary', { name: 'Channels and people' }));

beforeEach(() => {
  window.location.hash = '';
});

describe('ChatPage with channels', () => {
  it('routes live messages by channel: the open one shows them, the others count them as unread', async () => {
    const server = chatServer(
      [channel('design', { unread: 1, lastMessageId: 3 }), channel('general', { lastMessageId: 2 })],
      [message(2, 'general', 'hello general'), message(3, 'design', 'first design')],
    );
    renderPage(server.api);
    expect(await screen.findByText('hello general')).toBeInTheDocument();
    expect(await sidebar().findByRole('link', { name: '# design 1 unread' })).toBeInTheDocument();
    // The stream resumes after the newest message of the channel list, so nothing after it is missed.
    await waitFor(() =>
      expect(server.requests.find((r) => r.path === '/api/stream')?.headers.get('Last-Event-ID')).toBe('3'),
    );

    server.stream.push(sseFrame('message', message(10, 'design', 'news in design'), 10));
    server.stream.push(sseFrame('message', message(11, 'general', 'news in general'), 11));
    server.stream.push(sseFrame('message', message(12, 'design', 'sent from my other tab', 'alice'), 12));
    expect(await screen.findByText('news in general')).toBeInTheDocument();
    expect(await sidebar().findByRole('link', { name: '# design 3 unread' })).toBeInTheDocument();
    expect(screen.queryByText('news in design')).not.toBeInTheDocument();
    expect(sidebar().getByRole('link', { name: '# general' })).toHaveAttribute('aria-current', 'page');
  });

  it('opening a channel shows its messages, moves its read marker to the newest and clears its count', async () => {
    const server = chatServer(
      [channel('design', { unread: 2, lastMessageId: 7 }), channel('general')],
      [message(6, 'design', 'design six'), message(7, 'design', 'design seven')],
    );
    renderPage(server.api);
    const user = userEvent.setup();
    await user.click(await sidebar().findByRole('link', { name: '# design 2 unread' }));
    expect(await screen.findByRole('heading', { level: 1, name: '#design' })).toBeInTheDocument();
    expect(await screen.findByText('design seven')).toBeInTheDocument();
    await waitFor(() =>
      expect(server.requests.filter((r) => r.method === 'POST')).toEqual([
        expect.objectContaining({ path: '/api/channels/design/read', body: { lastReadId: 7 } }),
      ]),
    );

    await user.click(sidebar().getByRole('link', { name: '# general' }));
    expect(await screen.findByRole('heading', { level: 1, name: '#general' })).toBeInTheDocument();
    expect(sidebar().getByRole('link', { name: '# design' })).toBeInTheDocument();
  });

  it('moves the read marker of a channel the user only glanced at', async () => {
    const server = chatServer(
      [channel('design', { unread: 1, lastMessageId: 7 }), channel('general')],
      [message(7, 'design', 'design seven')],
    );
    renderPage(server.api);
    const user = userEvent.setup();
    await user.click(await sidebar().findByRole('link', { name: '# design 1 unread' }));
    expect(await screen.findByText('design seven')).toBeInTheDocument();
    await user.click(sidebar().getByRole('link', { name: '# general' }));
    expect(server.requests.filter((r) => r.method === 'POST').map((r) => [r.path, r.body])).toEqual([
      ['/api/channels/design/read', { lastReadId: 7 }],
    ]);
  });

  it('names a DM by its members and sends in it', async () => {
    const dm = channel('dm-0123456789ab', { kind: 'dm', private: true, members: ['alice', 'bob'] });
    const server = chatServer([channel('general'), dm], [message(4, dm.name, 'psst')]);
    window.location.hash = dm.name;
    renderPage(server.api);
    expect(await screen.findByRole('heading', { level: 1, name: 'Bob Builder' })).toBeInTheDocument();
    expect(await screen.findByText('psst')).toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: 'Message Bob Builder' })).toBeInTheDocument();
    expect(screen.queryByText(/dm-0123/)).not.toBeInTheDocument();
  });

  it('previews a public channel with a Join button, then joins and leaves it', async () => {
    const server = chatServer(
      [channel('general'), channel('random', { member: false, role: undefined, unread: undefined })],
      [message(5, 'random', 'random talk')],
    );
    window.location.hash = 'random';
    renderPage(server.api);
    const user = userEvent.setup();
    expect(await screen.findByText('random talk')).toBeInTheDocument();
    expect(screen.queryByRole('textbox', { name: 'Message #random' })).not.toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Join #random' }));
    expect(await screen.findByRole('textbox', { name: 'Message #random' })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Leave' }));
    expect(await screen.findByRole('heading', { level: 1, name: '#general' })).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(
      server.requests.filter((r) => r.method === 'POST' && !r.path.endsWith('/read')).map((r) => r.path),
    ).toEqual(['/api/channels/random/join', '/api/channels/random/leave']);
  });

  it('switches to general and says so when the user is removed from the open channel', async () => {
    const server = chatServer(
      [channel('general'), channel('secret', { private: true })],
      [message(8, 'secret', 'secret plans')],
    );
    window.location.hash = 'secret';
    renderPage(server.api);
    expect(await screen.findByText('secret plans')).toBeInTheDocument();
    await waitFor(() => expect(server.requests.some((r) => r.path === '/api/stream')).toBe(true));

    server.state.channels = [channel('general')];
    server.stream.push(sseFrame('member-left', { channel: 'secret', username: 'alice' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('You were removed from #secret.');
    expect(screen.getByRole('heading', { level: 1, name: '#general' })).toBeInTheDocument();
    await waitFor(() => expect(sidebar().queryByRole('link', { name: /secret/ })).not.toBeInTheDocument());
    expect(screen.queryByText('secret plans')).not.toBeInTheDocument();
  });

  it('shows the member list beside the open channel, which stays one channel as messages arrive', async () => {
    const server = chatServer([channel('general'), channel('design', { role: 'owner' })], []);
    window.location.hash = 'design';
    renderPage(server.api);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Members' }));
    expect(await screen.findByRole('complementary', { name: 'Members of #design' })).toBeInTheDocument();
    await waitFor(() => expect(server.requests.some((r) => r.path === '/api/stream')).toBe(true));
    server.stream.push(sseFrame('message', message(3, 'design', 'one'), 3));
    server.stream.push(sseFrame('message', message(4, 'design', 'two'), 4));
    expect(await screen.findByText('two')).toBeInTheDocument();
    expect(screen.getAllByRole('main')).toHaveLength(1);
    expect(screen.getAllByText('one')).toHaveLength(1);
  });

  it('reloads the channel list on channel-created and member-joined', async () => {
    const server = chatServer([channel('general')], []);
    renderPage(server.api);
    await waitFor(() => expect(server.requests.some((r) => r.path === '/api/stream')).toBe(true));
    const listReads = () => server.requests.filter((r) => r.path === '/api/channels').length;
    expect(listReads()).toBe(1);

    server.state.channels = [channel('general'), channel('secret', { private: true, role: 'member' })];
    server.stream.push(sseFrame('channel-created', server.state.channels[1]));
    expect(await sidebar().findByRole('link', { name: 'secret (private)' })).toBeInTheDocument();
    server.stream.push(sseFrame('member-joined', { channel: 'secret', username: 'carol' }));
    await waitFor(() => expect(listReads()).toBe(3));
  });

  it('opens a search result in its channel, marked among the messages around it, and keeps that live', async () => {
    const dm = channel('dm-0123456789ab', { kind: 'dm', private: true, members: ['alice', 'bob'] });
    const server = chatServer(
      [channel('design', { lastMessageId: 12 }), channel('general', { lastMessageId: 2 }), dm],
      [
        message(2, 'general', 'hello general'),
        message(10, 'design', 'before the launch'),
        message(11, 'design', 'launch on Friday'),
        message(12, 'design', 'after the launch'),
        message(13, dm.name, 'Friday works for me'),
      ],
    );
    renderPage(server.api);
    const user = userEvent.setup();
    expect(await screen.findByText('hello general')).toBeInTheDocument();
    await waitFor(() => expect(server.requests.some((r) => r.path === '/api/stream')).toBe(true));

    await user.type(screen.getByRole('searchbox', { name: 'Search messages' }), 'Friday{Enter}');
    const results = within(await screen.findByRole('complementary', { name: 'Search results' }));
    const [inDm, inDesign] = await results.findAllByRole('listitem');
    expect(inDm).toHaveTextContent('Bob Builder');
    expect(inDesign).toHaveTextContent('#design');
    expect(inDesign!.querySelector('mark')).toHaveTextContent('Friday');

    await user.click(within(inDesign!).getByRole('button'));
    expect(await screen.findByRole('heading', { level: 1, name: '#design' })).toBeInTheDocument();
    const log = await screen.findByRole('log', { name: 'Messages in #design' });
    expect(log.querySelector('[aria-current="true"]')).toHaveTextContent('launch on Friday');
    expect(within(log).getByText('before the launch')).toBeInTheDocument();
    expect(within(log).getByText('after the launch')).toBeInTheDocument();
    expect(server.requests.map((r) => r.path)).toEqual(
      expect.arrayContaining([
        '/api/channels/design/messages?before=12&limit=25',
        '/api/channels/design/messages?after=11&limit=1000',
      ]),
    );

    const news = message(14, 'design', 'news after the jump');
    server.state.messages = [...server.state.messages, news];
    server.stream.push(sseFrame('message', news, 14));
    expect(await within(log).findByText('news after the jump')).toBeInTheDocument();

    // Opening the channel from the sidebar again shows its newest messages, unmarked.
    await user.click(sidebar().getByRole('link', { name: '# design' }));
    const newest = await screen.findByRole('log', { name: 'Messages in #design' });
    expect(await within(newest).findByText('news after the jump')).toBeInTheDocument();
    expect(newest.querySelector('[aria-current="true"]')).toBeNull();
  });

  it('on event: reset, replaces what the open channel showed with its newest page', async () => {
    const server = chatServer(
      [channel('general', { lastMessageId: 2 })],
      [message(1, 'general', 'message 1'), message(2, 'general', 'message 2')],
    );
    renderPage(server.api);
    expect(await screen.findByText('message 2')).toBeInTheDocument();
    await waitFor(() => expect(server.requests.some((r) => r.path === '/api/stream')).toBe(true));

    server.state.messages = [message(4, 'general', 'message 4')];
    server.stream.push('event: reset\ndata: {"oldestId":4}\n\n');
    server.stream.push(sseFrame('message', message(5, 'general', 'message 5'), 5));
    expect(await screen.findByText('message 4')).toBeInTheDocument();
    expect(await screen.findByText('message 5')).toBeInTheDocument();
    expect(screen.queryByText('message 1')).not.toBeInTheDocument();
    expect(screen.queryByText('message 2')).not.toBeInTheDocument();
  });
});
