import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { fakeApi, json, nestError, type Route } from '../../../test/fake-server';
import { renderWithQuery } from '../../../test/render';
import type { FoundChannel, SearchResult } from '../types';
import { SearchPanel } from './SearchPanel';

const NAMES: Record<string, string> = { alice: 'Alice Liddell', bob: 'Bob Builder' };
const design: FoundChannel = { name: 'design', kind: 'channel', private: false };
const dm: FoundChannel = { name: 'dm-0123456789ab', kind: 'dm', private: true, members: ['alice', 'bob'] };

const result = (id: number, channel: FoundChannel, text: string, highlights: [number, number][]) => ({
  message: { id, channel: channel.name, user: 'bob', text, createdAt: '2026-11-27T10:00:00.000Z' },
  channel,
  highlights,
});

function renderPanel(route: Route, onOpen: (result: SearchResult) => void = () => undefined) {
  const server = fakeApi(route);
  renderWithQuery(
    <SearchPanel
      api={server.api}
      query="deploy"
      // As the page names them: a DM by its members other than the user.
      titleOf={(c) => (c.kind === 'dm' ? 'Bob Builder' : `#${c.name}`)}
      displayNameOf={(u) => NAMES[u] ?? u}
      onOpen={onOpen}
      onClose={() => undefined}
    />,
  );
  return server;
}

const panel = () => within(screen.getByRole('complementary', { name: 'Search results' }));

describe('SearchPanel', () => {
  it('lists each result with its channel, author and time, and the matched words marked', async () => {
    const { requests } = renderPanel(async () =>
      json({
        results: [
          result(9, dm, 'deploy on 🚀 Friday?', [[0, 6]]),
          result(4, design, 'We redeploy the 東京 site', [
            [5, 11],
            [16, 18],
          ]),
        ],
        hasMore: false,
      }),
    );
    const items = await panel().findAllByRole('listitem');
    expect(items).toHaveLength(2);
    expect(items[0]).toHaveTextContent('Bob Builder');
    expect(within(items[1]!).getByText('#design')).toBeInTheDocument();
    expect(within(items[1]!).getByText('Bob Builder')).toBeInTheDocument();
    expect(items[1]!.querySelector('time')).toHaveAttribute('datetime', '2026-11-27T10:00:00.000Z');
    expect([...items[1]!.querySelectorAll('mark')].map((m) => m.textContent)).toEqual(['deploy', '東京']);
    expect(within(items[1]!).getByRole('button')).toHaveTextContent('We redeploy the 東京 site');
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();
    expect(requests.map((r) => r.path)).toEqual(['/api/search?q=deploy&limit=20']);
  });

  it('hands over the result that was chosen', async () => {
    const onOpen = vi.fn<(result: SearchResult) => void>();
    renderPanel(
      async () => json({ results: [result(4, design, 'deploy now', [[0, 6]])], hasMore: false }),
      onOpen,
    );
    await userEvent.click(await panel().findByRole('button', { name: /deploy/ }));
    expect(onOpen).toHaveBeenCalledTimes(1);
    expect(onOpen.mock.calls[0]?.[0].message.id).toBe(4);
  });

  it('loads more results before the last one shown while the server has more', async () => {
    const { requests } = renderPanel(async (request) =>
      request.path.includes('before=')
        ? json({ results: [result(3, design, 'deploy three', [[0, 6]])], hasMore: false })
        : json({
            results: [
              result(8, design, 'deploy eight', [[0, 6]]),
              result(5, design, 'deploy five', [[0, 6]]),
            ],
            hasMore: true,
          }),
    );
    const user = userEvent.setup();
    await user.click(await panel().findByRole('button', { name: 'Load more' }));
    expect(await panel().findByText('three')).toBeInTheDocument();
    expect(panel().getAllByRole('listitem')).toHaveLength(3);
    expect(panel().queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();
    expect(requests.map((r) => r.path)).toEqual([
      '/api/search?q=deploy&limit=20',
      '/api/search?q=deploy&limit=20&before=5',
    ]);
  });

  it('says when no message matches', async () => {
    renderPanel(async () => json({ results: [], hasMore: false }));
    expect(await panel().findByText('No messages match.')).toBeInTheDocument();
    expect(panel().queryByRole('list')).not.toBeInTheDocument();
  });

  it('shows what the server found wrong with the query', async () => {
    renderPanel(async () => nestError(400, 'in: no channel named nowhere'));
    expect(await panel().findByRole('alert')).toHaveTextContent('in: no channel named nowhere');
    expect(panel().queryByText('No messages match.')).not.toBeInTheDocument();
  });
});
