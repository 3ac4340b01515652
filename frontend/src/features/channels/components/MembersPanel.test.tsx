import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeApi, json, type RecordedRequest } from '../../../test/fake-server';
import { renderWithQuery } from '../../../test/render';
import type { Channel, Member } from '../types';
import { MembersPanel } from './MembersPanel';

const secret: Channel = {
  name: 'secret',
  kind: 'channel',
  topic: '',
  private: true,
  member: true,
  role: 'owner',
  unread: 0,
  lastMessageId: null,
};
const people = [
  { username: 'alice', displayName: 'Alice Liddell' },
  { username: 'bob', displayName: 'Bob Builder' },
  { username: 'carol', displayName: 'Carol Danvers' },
];

function server(initial: Member[]) {
  let members = initial;
  return fakeApi(async (request: RecordedRequest) => {
    if (request.method === 'POST') {
      const { username } = request.body as { username: string };
      const added: Member = { username, displayName: username, role: 'member' };
      members = [...members, added];
      return json(added, 201);
    }
    if (request.method === 'DELETE') {
      members = members.filter((m) => !request.path.endsWith(`/${m.username}`));
      return new Response(null, { status: 204 });
    }
    return json({ members });
  });
}

function renderPanel(api: ReturnType<typeof server>['api'], channel: Channel, appRole = 'user') {
  renderWithQuery(
    <MembersPanel
      api={api}
      channel={channel}
      me="alice"
      appRole={appRole}
      people={people}
      displayNameOf={(u) => people.find((p) => p.username === u)?.displayName ?? u}
      onClose={() => undefined}
    />,
  );
}

describe('MembersPanel', () => {
  it('lets an owner add and remove members', async () => {
    const { api, requests } = server([{ username: 'alice', displayName: 'Alice Liddell', role: 'owner' }]);
    renderPanel(api, secret);
    const user = userEvent.setup();
    const list = await screen.findByRole('list', { name: 'Members' });
    expect(within(list).getByText('owner')).toBeInTheDocument();

    await user.selectOptions(screen.getByLabelText('Add a person'), 'bob');
    await user.click(screen.getByRole('button', { name: 'Add' }));
    const remove = await screen.findByRole('button', { name: 'Remove bob' });
    expect(screen.queryByRole('button', { name: /Remove Alice/ })).not.toBeInTheDocument();
    await user.click(remove);
    await within(list).findByText('Alice Liddell');
    await expect.poll(() => screen.queryByRole('button', { name: 'Remove bob' })).toBeNull();

    expect(requests.filter((r) => r.method !== 'GET').map((r) => [r.method, r.path, r.body])).toEqual([
      ['POST', '/api/channels/secret/members', { username: 'bob' }],
      ['DELETE', '/api/channels/secret/members/bob', undefined],
    ]);
  });

  it('only lists the members for someone who is neither owner nor admin, and lets an admin manage', async () => {
    const members: Member[] = [
      { username: 'alice', displayName: 'Alice Liddell', role: 'member' },
      { username: 'bob', displayName: 'Bob Builder', role: 'owner' },
    ];
    const plain = server(members);
    renderPanel(plain.api, { ...secret, role: 'member' });
    expect(await screen.findByText('Bob Builder')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Remove/ })).not.toBeInTheDocument();
    expect(screen.queryByLabelText('Add a person')).not.toBeInTheDocument();
  });

  it('lets an admin manage a channel they do not own', async () => {
    const { api } = server([{ username: 'bob', displayName: 'Bob Builder', role: 'owner' }]);
    renderPanel(api, { ...secret, role: 'member' }, 'admin');
    expect(await screen.findByRole('button', { name: 'Remove Bob Builder' })).toBeInTheDocument();
    expect(screen.getByLabelText('Add a person')).toBeInTheDocument();
  });
});
