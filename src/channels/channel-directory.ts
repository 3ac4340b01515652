import { createHash } from 'node:crypto';
import { Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { UsersRepository } from '../auth/users.repository.js';
import { Bus } from '../bus/bus.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { GENERAL } from '../messages/message.js';
import type { ChannelRecord, MemberRole } from './channel.js';
import { ChannelStore } from './store/channel-store.js';

export const MAX_DM_MEMBERS = 8;

/** A change of membership that streams pass on: to everyone (public channel created) or to the users named. */
export type DirectoryEvent =
  | { type: 'channel-created'; channel: ChannelRecord; audience: 'everyone' | string[] }
  | { type: 'member-joined' | 'member-left'; channel: string; username: string; audience: string[] };

export type DirectoryListener = (event: DirectoryEvent) => void;

/** The name of the DM of a member set: the same set always gives the same name. */
export function dmName(usernames: readonly string[]): string {
  const digest = createHash('sha256')
    .update([...new Set(usernames)].sort().join('\n'))
    .digest('hex');
  return `dm-${digest.slice(0, 12)}`;
}

/**
 * Channels, DMs and who is in them: read from the store at start and kept in memory, so that the access check of
 * every request and of every streamed message is a map lookup; every change is written through to the store first.
 * The rules of API.md live here: a private channel or DM that the user is not in is `not_found`, exactly like one that
 * does not exist; everyone is in `general`. Instances sharing the store tell each other of every change (the bus);
 * the others read the directory again and pass the change on to their streams.
 */
@Injectable()
export class ChannelDirectory implements OnModuleInit, OnApplicationShutdown {
  private readonly channels = new Map<string, ChannelRecord>();
  private readonly members = new Map<string, Map<string, MemberRole>>();
  private readonly memberships = new Map<string, Set<string>>();
  private readonly listeners = new Set<DirectoryListener>();

  constructor(
    private readonly store: ChannelStore,
    private readonly users: UsersRepository,
    private readonly clock: Clock,
    private readonly bus: Bus,
  ) {
    bus.subscribe('directory', async (payload) => {
      await this.load();
      this.tellListeners(JSON.parse(payload) as DirectoryEvent);
    });
    bus.onReconnect(() => this.load());
  }

  onModuleInit(): Promise<void> {
    return this.load();
  }

  /** Reads every channel and member from the store, replacing what was known. */
  private async load(): Promise<void> {
    const { channels, members } = await this.store.load();
    this.channels.clear();
    this.members.clear();
    this.memberships.clear();
    for (const channel of channels) this.channels.set(channel.name, channel);
    for (const { channel, username, role } of members) this.remember(channel, username, role);
  }

  onApplicationShutdown(): Promise<void> {
    return this.store.close();
  }

  subscribe(listener: DirectoryListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  isMember(username: string, channel: string): boolean {
    return channel === GENERAL || (this.members.get(channel)?.has(username) ?? false);
  }

  roleOf(username: string, channel: string): MemberRole | undefined {
    return this.members.get(channel)?.get(username) ?? (channel === GENERAL ? 'member' : undefined);
  }

  /** The channels whose messages the user's stream carries: general and every channel and DM they are in. */
  channelsOf(username: string): string[] {
    return [GENERAL, ...(this.memberships.get(username) ?? [])];
  }

  /** Every public channel and every channel and DM the user is in. */
  visibleTo(username: string): ChannelRecord[] {
    return [...this.channels.values()].filter((c) => !c.private || this.isMember(username, c.name));
  }

  /** The channel if the user may see it (public, or a member); `not_found` otherwise. */
  find(username: string, name: string): ChannelRecord {
    const channel = this.channels.get(name);
    if (!channel || (channel.private && !this.isMember(username, name))) {
      throw DomainError.notFound(`No channel ${name}`);
    }
    return channel;
  }

  /** The channel if the user may post in it (a member); `not_found` when they cannot see it. */
  findToPost(username: string, name: string): ChannelRecord {
    const channel = this.find(username, name);
    if (!this.isMember(username, name)) throw DomainError.forbidden('Join the channel first');
    return channel;
  }

  membersOf(name: string): { username: string; role: MemberRole }[] {
    const members =
      name === GENERAL
        ? this.users.list().map((u) => ({ username: u.username, role: 'member' as const }))
        : [...(this.members.get(name) ?? [])].map(([username, role]) => ({ username, role }));
    return members.sort((a, b) => (a.username < b.username ? -1 : 1));
  }

  async create(
    username: string,
    input: { name: string; topic?: string; private: boolean },
  ): Promise<ChannelRecord> {
    if (input.name.startsWith('dm-'))
      throw DomainError.badRequest('Channel names starting with dm- are for DMs');
    const channel: ChannelRecord = {
      name: input.name,
      kind: 'channel',
      topic: input.topic ?? '',
      private: input.private,
      createdBy: username,
      createdAt: this.clock.now(),
    };
    if (
      this.channels.has(channel.name) ||
      !(await this.store.create(channel, [this.member(channel, username, 'owner')]))
    ) {
      throw DomainError.conflict(`Channel ${channel.name} exists already`);
    }
    this.channels.set(channel.name, channel);
    this.remember(channel.name, username, 'owner');
    await this.emit({
      type: 'channel-created',
      channel,
      audience: channel.private ? [username] : 'everyone',
    });
    return channel;
  }

  /** Joins a public channel; joining again changes nothing. */
  async join(username: string, name: string): Promise<ChannelRecord> {
    const channel = this.find(username, name);
    if (this.isMember(username, name)) return channel;
    if (channel.private) throw DomainError.forbidden('Private channels take members only from their owners');
    await this.addMemberNow(channel, username);
    return channel;
  }

  async leave(username: string, name: string): Promise<void> {
    const channel = this.find(username, name);
    this.assertManageable(channel, 'left');
    if (!this.isMember(username, name)) return;
    await this.removeMemberNow(channel, username);
  }

  async addMember(
    actor: string,
    name: string,
    username: string,
  ): Promise<{ username: string; role: MemberRole }> {
    const channel = this.find(actor, name);
    this.assertManageable(channel, 'given members');
    this.assertOwner(actor, channel);
    if (!this.users.find(username)) throw DomainError.notFound(`No user ${username}`);
    if (!this.isMember(username, name)) await this.addMemberNow(channel, username);
    return { username, role: this.roleOf(username, name)! };
  }

  async removeMember(actor: string, name: string, username: string): Promise<void> {
    const channel = this.find(actor, name);
    this.assertManageable(channel, 'rid of members');
    this.assertOwner(actor, channel);
    if (!this.isMember(username, name)) throw DomainError.notFound(`${username} is not a member of ${name}`);
    await this.removeMemberNow(channel, username);
  }

  /** The DM of the caller and `others`, found or created. */
  async dm(
    username: string,
    others: readonly string[],
  ): Promise<{ channel: ChannelRecord; created: boolean }> {
    const usernames = [...new Set([username, ...others])].sort();
    if (usernames.length < 2 || usernames.length > MAX_DM_MEMBERS) {
      throw DomainError.badRequest(`A direct message has 2 to ${MAX_DM_MEMBERS} different users`);
    }
    const unknown = usernames.find((u) => !this.users.find(u));
    if (unknown) throw DomainError.notFound(`No user ${unknown}`);
    const name = dmName(usernames);
    const existing = this.channels.get(name);
    if (existing) return { channel: existing, created: false };

    const channel: ChannelRecord = {
      name,
      kind: 'dm',
      topic: '',
      private: true,
      createdBy: username,
      createdAt: this.clock.now(),
    };
    // A DM created at the same moment by another member: the store keeps the first; both get the same name.
    await this.store.create(
      channel,
      usernames.map((u) => this.member(channel, u, 'member')),
    );
    if (!this.channels.has(name)) {
      this.channels.set(name, channel);
      for (const u of usernames) this.remember(name, u, 'member');
      await this.emit({ type: 'channel-created', channel, audience: usernames });
    }
    return { channel: this.channels.get(name)!, created: true };
  }

  readMarkers(username: string): Promise<Map<string, number>> {
    return this.store.readMarkers(username);
  }

  async markRead(username: string, name: string, lastReadId: number): Promise<void> {
    this.find(username, name);
    if (!this.isMember(username, name)) throw DomainError.forbidden('Join the channel first');
    await this.store.markRead(name, username, lastReadId);
  }

  private async addMemberNow(channel: ChannelRecord, username: string): Promise<void> {
    await this.store.addMember(this.member(channel, username, 'member'));
    this.remember(channel.name, username, 'member');
    await this.emit({
      type: 'member-joined',
      channel: channel.name,
      username,
      audience: this.audienceOf(channel.name),
    });
  }

  private async removeMemberNow(channel: ChannelRecord, username: string): Promise<void> {
    await this.store.removeMember(channel.name, username);
    this.members.get(channel.name)?.delete(username);
    this.memberships.get(username)?.delete(channel.name);
    // The removed user hears of it too, as the last event of this channel on their stream.
    const audience = [...this.audienceOf(channel.name), username];
    await this.emit({ type: 'member-left', channel: channel.name, username, audience });
  }

  private assertManageable(channel: ChannelRecord, what: string): void {
    if (channel.name === GENERAL)
      throw DomainError.badRequest(`general cannot be ${what}: everyone is in it`);
    if (channel.kind === 'dm') throw DomainError.badRequest(`A direct message cannot be ${what}`);
  }

  private assertOwner(actor: string, channel: ChannelRecord): void {
    if (this.roleOf(actor, channel.name) !== 'owner' && this.users.find(actor)?.role !== 'admin') {
      throw DomainError.forbidden("Only the channel's owners and admins can manage its members");
    }
  }

  private audienceOf(name: string): string[] {
    return [...(this.members.get(name)?.keys() ?? [])];
  }

  private member(channel: ChannelRecord, username: string, role: MemberRole) {
    return { channel: channel.name, username, role };
  }

  private remember(channel: string, username: string, role: MemberRole): void {
    if (!this.members.has(channel)) this.members.set(channel, new Map());
    this.members.get(channel)!.set(username, role);
    if (!this.memberships.has(username)) this.memberships.set(username, new Set());
    this.memberships.get(username)!.add(channel);
  }

  /** Tells this instance's listeners, then the other instances. */
  private async emit(event: DirectoryEvent): Promise<void> {
    this.tellListeners(event);
    await this.bus.publish('directory', JSON.stringify(event));
  }

  private tellListeners(event: DirectoryEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
