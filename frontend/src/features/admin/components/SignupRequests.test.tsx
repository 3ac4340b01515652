import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeApi, json } from '../../../test/fake-server';
import { renderWithQuery } from '../../../test/render';
import { SignupRequests } from './SignupRequests';

describe('SignupRequests', () => {
  it('lists the pending sign-ups and approves or rejects each', async () => {
    let signups = [
      { username: 'dana', displayName: 'Dana Scully', requestedAt: '2026-11-27T09:00:00.000Z' },
      { username: 'fox', displayName: 'Fox Mulder', requestedAt: '2026-11-27T09:30:00.000Z' },
    ];
    const { api, requests } = fakeApi(async (request) => {
      const decided = /\/signups\/(\w+)\/(approve|reject)$/.exec(request.path);
      if (decided) {
        signups = signups.filter((s) => s.username !== decided[1]);
        return decided[2] === 'reject'
          ? new Response(null, { status: 204 })
          : json({ username: decided[1], displayName: 'x', status: 'active' });
      }
      return json({ signups });
    });
    renderWithQuery(<SignupRequests api={api} />);
    const user = userEvent.setup();
    const list = await screen.findByRole('list', { name: 'Waiting for approval' });
    expect(within(list).getAllByRole('listitem')).toHaveLength(2);

    await user.click(screen.getByRole('button', { name: 'Approve dana' }));
    await expect.poll(() => screen.queryByText('Dana Scully')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Reject fox' }));
    expect(await screen.findByText('No one is waiting for approval.')).toBeInTheDocument();
    expect(requests.filter((r) => r.method === 'POST').map((r) => r.path)).toEqual([
      '/api/admin/signups/dana/approve',
      '/api/admin/signups/fox/reject',
    ]);
  });
});
