import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { fakeApi, json, nestError } from '../../../test/fake-server';
import { renderWithQuery } from '../../../test/render';
import { CreateChannelDialog } from './CreateChannelDialog';

describe('CreateChannelDialog', () => {
  it('posts the name, topic and privacy, and hands over the new channel', async () => {
    const created = { name: 'design-team', kind: 'channel', topic: 'Pixels', private: true, member: true };
    const { api, requests } = fakeApi(async (request) =>
      request.method === 'POST'
        ? json({ ...created, role: 'owner', unread: 0, lastMessageId: null }, 201)
        : json({ channels: [] }),
    );
    const onCreated = vi.fn();
    renderWithQuery(<CreateChannelDialog api={api} onCreated={onCreated} onClose={() => undefined} />);
    const user = userEvent.setup();
    const dialog = screen.getByRole('dialog', { name: 'Create a channel' });
    expect(screen.getByLabelText('Name')).toHaveFocus();
    await user.type(screen.getByLabelText('Name'), 'Design Team');
    await user.type(screen.getByLabelText('Topic (optional)'), ' Pixels ');
    await user.click(screen.getByRole('checkbox', { name: /Private/ }));
    await user.click(screen.getByRole('button', { name: 'Create' }));

    await vi.waitFor(() => expect(onCreated).toHaveBeenCalledWith(expect.objectContaining(created)));
    expect(requests[0]).toMatchObject({
      method: 'POST',
      path: '/api/channels',
      body: { name: 'design-team', topic: 'Pixels', private: true },
    });
    expect(dialog).toBeInTheDocument();
  });

  it('says why a name is refused, before and after asking the server', async () => {
    const { api, requests } = fakeApi(async () => nestError(409, 'channel name is taken'));
    renderWithQuery(<CreateChannelDialog api={api} onCreated={() => undefined} onClose={() => undefined} />);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Name'), 'dm-mine');
    await user.click(screen.getByRole('button', { name: 'Create' }));
    expect(screen.getByRole('alert')).toHaveTextContent('kept for direct messages');
    expect(requests).toHaveLength(0);

    await user.clear(screen.getByLabelText('Name'));
    await user.type(screen.getByLabelText('Name'), 'general');
    await user.click(screen.getByRole('button', { name: 'Create' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('channel name is taken');
  });

  it('closes on Escape', async () => {
    const onClose = vi.fn();
    const { api } = fakeApi(async () => json({}));
    renderWithQuery(<CreateChannelDialog api={api} onCreated={() => undefined} onClose={onClose} />);
    await userEvent.keyboard('{Escape}');
    expect(onClose).toHaveBeenCalledOnce();
  });
});
