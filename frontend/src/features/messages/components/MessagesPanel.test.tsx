import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { fakeApi, json, nestError } from '../../../test/fake-server';
import { renderWithQuery } from '../../../test/render';
import type { Message } from '../types';
import { MessagesPanel } from './MessagesPanel';

const hello: Message = {
  id: 1,
  channel: 'general',
  user: 'bob',
  text: 'hello alice',
  createdAt: '2026-11-27T10:00:00.000Z',
};
const page = (messages: Message[]) => json({ messages, hasOlder: false, hasNewer: false });

describe('MessagesPanel', () => {
  it('keeps a failed send with the server message, and a retry reuses its clientMsgId', async () => {
    let posts = 0;
    const { api, requests } = fakeApi(async (request) => {
      if (request.method === 'POST') {
        posts += 1;
        if (posts === 1) return nestError(429, 'Sending too fast; slow down', { 'Retry-After': '2' });
        const body = request.body as { text: string; clientMsgId: string };
        return json({ id: 2, user: 'alice', createdAt: '2026-11-27T10:00:01.000Z', ...body }, 201);
      }
      return page(request.path.includes('after=') ? [] : [hello]);
    });
    const user = userEvent.setup();
    renderWithQuery(<MessagesPanel api={api} connection="live" displayNameOf={(u) => u} />);
    expect(await screen.findByText('hello alice')).toBeInTheDocument();

    await user.type(screen.getByRole('textbox', { name: 'Message #general' }), 'are you there?{Enter}');
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Not sent: Sending too fast; slow down (try again in 2 seconds)',
    );
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(screen.queryByRole('alert')).not.toBeInTheDocument());
    expect(screen.getAllByText('are you there?')).toHaveLength(1);

    const sent = requests.filter((r) => r.method === 'POST');
    expect(sent.map((r) => r.path)).toEqual([
      '/api/channels/general/messages',
      '/api/channels/general/messages',
    ]);
    const bodies = sent.map((r) => r.body as { clientMsgId: string; text: string });
    expect(bodies[0]?.clientMsgId).toMatch(/^[0-9a-f]{32}$/);
    expect(bodies[1]).toEqual(bodies[0]);
  });

  it('shows the channel, its topic, its retention rule and the connection state', async () => {
    const { api } = fakeApi(async () => page([]));
    renderWithQuery(
      <MessagesPanel
        api={api}
        channel="design"
        title="#design"
        topic="Pixels and fonts"
        connection="reconnecting"
        displayNameOf={(u) => u}
      />,
    );
    expect(screen.getByRole('heading', { level: 1, name: '#design' })).toBeInTheDocument();
    expect(screen.getByText('Pixels and fonts')).toBeInTheDocument();
    expect(screen.getByText('last 1000 messages, kept 1 hour')).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('Reconnecting…');
    expect(await screen.findByRole('log', { name: 'Messages in #design' })).toBeInTheDocument();
  });

  it('sends to the open channel, and reads what came while its first page loaded', async () => {
    const later = { ...hello, id: 5, channel: 'design', text: 'arrived meanwhile' };
    const { api, requests } = fakeApi(async (request) => {
      if (request.method === 'POST') {
        const body = request.body as { text: string; clientMsgId: string };
        return json({ id: 9, channel: 'design', user: 'alice', createdAt: hello.createdAt, ...body }, 201);
      }
      return page(request.path.includes('after=1&') ? [later] : [{ ...hello, channel: 'design' }]);
    });
    renderWithQuery(<MessagesPanel api={api} channel="design" connection="live" displayNameOf={(u) => u} />);
    expect(await screen.findByText('arrived meanwhile')).toBeInTheDocument();
    await userEvent.type(screen.getByRole('textbox', { name: 'Message #design' }), 'to design{Enter}');
    expect(await screen.findByText('to design')).toBeInTheDocument();
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /api/channels/design/messages?limit=50',
      'GET /api/channels/design/messages?after=1&limit=1000',
      'POST /api/channels/design/messages',
    ]);
  });

  it('previews a channel the user is not in: no composer, and a long poll keeps it current', async () => {
    let polls = 0;
    const { api, requests } = fakeApi(async (request) => {
      if (!request.path.includes('after=')) return page([{ ...hello, channel: 'random' }]);
      polls += 1;
      if (polls === 1) return page([{ ...hello, id: 2, channel: 'random', text: 'live in random' }]);
      return new Promise<Response>(() => undefined);
    });
    renderWithQuery(
      <MessagesPanel
        api={api}
        channel="random"
        member={false}
        connection="live"
        displayNameOf={(u) => u}
        preview={<button type="button">Join #random</button>}
      />,
    );
    expect(await screen.findByText('live in random')).toBeInTheDocument();
    expect(screen.queryByRole('textbox')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Join #random' })).toBeInTheDocument();
    await waitFor(() => expect(polls).toBe(2));
    expect(requests.slice(1).map((r) => r.path)).toEqual([
      '/api/channels/random/messages?after=1&limit=1000&wait=25',
      '/api/channels/random/messages?after=2&limit=1000&wait=25',
    ]);
  });

  it('opens at a message with those around it; one sent there goes to the newest', async () => {
    const around = (id: number, text: string) => ({ ...hello, id, channel: 'design', text });
    const { api, requests } = fakeApi(async (request) => {
      if (request.method === 'POST') return new Promise<Response>(() => undefined);
      if (request.path.includes('before=')) return page([around(4, 'four'), around(5, 'five')]);
      // More after these: the window does not reach the newest message.
      return json({ messages: [around(6, 'six')], hasOlder: true, hasNewer: true });
    });
    const onShowNewest = vi.fn();
    renderWithQuery(
      <MessagesPanel
        api={api}
        channel="design"
        connection="live"
        displayNameOf={(u) => u}
        focus={{ id: 5, seq: 1 }}
        onShowNewest={onShowNewest}
      />,
    );
    const log = await screen.findByRole('log', { name: 'Messages in #design' });
    expect(log.querySelector('[aria-current="true"]')).toHaveTextContent('five');
    expect(screen.getByText('four')).toBeInTheDocument();
    expect(screen.getByText('six')).toBeInTheDocument();
    expect(requests.map((r) => r.path)).toEqual([
      '/api/channels/design/messages?before=6&limit=25',
      '/api/channels/design/messages?after=5&limit=1000',
    ]);

    await userEvent.click(screen.getByRole('button', { name: 'Show the newest messages' }));
    expect(onShowNewest).toHaveBeenCalledTimes(1);
    await userEvent.type(screen.getByRole('textbox', { name: 'Message #design' }), 'late reply{Enter}');
    expect(onShowNewest).toHaveBeenCalledTimes(2);
  });

  it('says so when the message it should open at is no longer kept', async () => {
    const { api } = fakeApi(async () => page([{ ...hello, id: 7 }]));
    renderWithQuery(
      <MessagesPanel api={api} connection="live" displayNameOf={(u) => u} focus={{ id: 5, seq: 1 }} />,
    );
    expect(await screen.findByText('That message is no longer kept.')).toBeInTheDocument();
  });

  it('does not spin when a server answers a long poll at once', async () => {
    let polls = 0;
    const { api } = fakeApi(async (request) => {
      if (request.path.includes('wait=')) polls += 1;
      return page([]);
    });
    renderWithQuery(
      <MessagesPanel api={api} channel="random" member={false} connection="live" displayNameOf={(u) => u} />,
    );
    await waitFor(() => expect(polls).toBe(1));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(polls).toBe(1);
  });
});
