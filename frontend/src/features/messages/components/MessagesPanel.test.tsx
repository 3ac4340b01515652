import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeApi, json, nestError, openStream } from '../../../test/fake-server';
import { renderWithQuery } from '../../../test/render';
import type { Message } from '../types';
import { MessagesPanel } from './MessagesPanel';

const hello: Message = { id: 1, user: 'bob', text: 'hello alice', createdAt: '2026-11-27T10:00:00.000Z' };

describe('MessagesPanel', () => {
  it('keeps a failed send with the server message, and a retry reuses its clientMsgId', async () => {
    let posts = 0;
    const { api, requests } = fakeApi(async (request) => {
      if (request.path === '/api/stream') return new Promise<Response>(() => undefined);
      if (request.method === 'POST') {
        posts += 1;
        if (posts === 1) return nestError(429, 'Sending too fast; slow down', { 'Retry-After': '2' });
        const body = request.body as { text: string; clientMsgId: string };
        return json({ id: 2, user: 'alice', createdAt: '2026-11-27T10:00:01.000Z', ...body }, 201);
      }
      return json({ messages: [hello], hasOlder: false, hasNewer: false });
    });
    const user = userEvent.setup();
    renderWithQuery(<MessagesPanel api={api} displayNameOf={(u) => u} />);
    expect(await screen.findByText('hello alice')).toBeInTheDocument();

    await user.type(screen.getByRole('textbox', { name: 'Message #general' }), 'are you there?{Enter}');
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Not sent: Sending too fast; slow down (try again in 2 seconds)',
    );
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(screen.queryByRole('alert')).not.toBeInTheDocument());
    expect(screen.getAllByText('are you there?')).toHaveLength(1);

    const sent = requests
      .filter((r) => r.method === 'POST')
      .map((r) => r.body as { clientMsgId: string; text: string });
    expect(sent).toHaveLength(2);
    expect(sent[0]?.clientMsgId).toMatch(/^[0-9a-f]{32}$/);
    expect(sent[1]).toEqual(sent[0]);
  });

  it('shows the channel, its retention rule and the connection state', async () => {
    const { api } = fakeApi(async (request) =>
      request.path === '/api/stream'
        ? openStream('retry: 3000\n\n')
        : json({ messages: [], hasOlder: false, hasNewer: false }),
    );
    renderWithQuery(<MessagesPanel api={api} displayNameOf={(u) => u} />);
    expect(screen.getByRole('heading', { level: 1, name: '#general' })).toBeInTheDocument();
    expect(screen.getByText('last 1000 messages, kept 1 hour')).toBeInTheDocument();
    expect(await screen.findByRole('status')).toHaveTextContent(/Live|Connecting/);
    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent('Live'));
  });

  it('on event: reset, replaces what it showed with the newest page and keeps what arrived meanwhile', async () => {
    const m = (id: number): Message => ({
      id,
      user: 'bob',
      text: `message ${id}`,
      createdAt: '2026-11-27T10:00:00.000Z',
    });
    let pages = 0;
    const { api } = fakeApi(async (request) => {
      if (request.path === '/api/stream') {
        return openStream(
          `event: reset\ndata: {"oldestId":4}\n\nid: 5\nevent: message\ndata: ${JSON.stringify(m(5))}\n\n`,
        );
      }
      pages += 1;
      return json({ messages: pages === 1 ? [m(1), m(2)] : [m(4)], hasOlder: false, hasNewer: false });
    });
    renderWithQuery(<MessagesPanel api={api} displayNameOf={(u) => u} />);
    // The first page had messages 1 and 2; the stream then said some may be gone.
    expect(await screen.findByText('message 4')).toBeInTheDocument();
    expect(screen.getByText('message 5')).toBeInTheDocument();
    expect(screen.queryByText('message 1')).not.toBeInTheDocument();
    expect(screen.queryByText('message 2')).not.toBeInTheDocument();
  });
});
