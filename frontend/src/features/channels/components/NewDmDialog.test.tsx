import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { fakeApi, json, nestError } from '../../../test/fake-server';
import { renderWithQuery } from '../../../test/render';
import { NewDmDialog } from './NewDmDialog';

const people = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'gina', 'hank', 'ivy'].map((u) => ({
  username: u,
  displayName: u.charAt(0).toUpperCase() + u.slice(1),
}));

describe('NewDmDialog', () => {
  it('opens the DM of the chosen people (without the user, who is in it anyway)', async () => {
    const dm = { name: 'dm-0123456789ab', kind: 'dm', members: ['alice', 'bob', 'carol'] };
    const { api, requests } = fakeApi(async (request) =>
      request.method === 'POST' ? json(dm, 201) : json({ channels: [] }),
    );
    const onOpened = vi.fn();
    renderWithQuery(
      <NewDmDialog api={api} me="alice" people={people} onOpened={onOpened} onClose={() => undefined} />,
    );
    const user = userEvent.setup();
    expect(screen.queryByRole('checkbox', { name: /Alice/ })).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Open conversation' })).toBeDisabled();
    await user.click(screen.getByRole('checkbox', { name: /Carol/ }));
    await user.click(screen.getByRole('checkbox', { name: /Bob/ }));
    await user.click(screen.getByRole('button', { name: 'Open conversation' }));

    await vi.waitFor(() => expect(onOpened).toHaveBeenCalledWith(expect.objectContaining(dm)));
    expect(requests[0]).toMatchObject({
      method: 'POST',
      path: '/api/dms',
      body: { users: ['carol', 'bob'] },
    });
  });

  it('takes at most 7 people, and says what the server refused', async () => {
    const { api } = fakeApi(async () => nestError(404, 'unknown user: hank'));
    renderWithQuery(
      <NewDmDialog
        api={api}
        me="alice"
        people={people}
        onOpened={() => undefined}
        onClose={() => undefined}
      />,
    );
    const user = userEvent.setup();
    for (const name of ['Bob', 'Carol', 'Dave', 'Erin', 'Frank', 'Gina', 'Hank']) {
      await user.click(screen.getByRole('checkbox', { name: new RegExp(name) }));
    }
    expect(screen.getByRole('checkbox', { name: /Ivy/ })).toBeDisabled();
    expect(screen.getByText('Choose 1 to 7 people (7 chosen)')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Open conversation' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('unknown user: hank');
  });
});
