import type { Message } from '../types';

export interface AuthorGroup {
  /** The id of its first message: stable while messages are added after it. */
  key: number;
  user: string;
  messages: Message[];
}

export interface DaySection {
  /** Local calendar day, `YYYY-MM-DD`. */
  day: string;
  date: Date;
  groups: AuthorGroup[];
}

export function localDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** Splits messages (ascending) into local days, and each day into runs of consecutive messages by one author. */
export function groupMessages(messages: readonly Message[]): DaySection[] {
  const sections: DaySection[] = [];
  for (const message of messages) {
    const date = new Date(message.createdAt);
    const day = localDay(date);
    let section = sections.at(-1);
    if (section?.day !== day) {
      section = { day, date, groups: [] };
      sections.push(section);
    }
    const group = section.groups.at(-1);
    if (group?.user === message.user) group.messages.push(message);
    else section.groups.push({ key: message.id, user: message.user, messages: [message] });
  }
  return sections;
}

/** "Today", "Yesterday", or the full date. */
export function dayLabel(date: Date, now = new Date()): string {
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (localDay(date) === localDay(now)) return 'Today';
  if (localDay(date) === localDay(yesterday)) return 'Yesterday';
  return date.toLocaleDateString(undefined, {
    weekday: 'long',
    year: 'numeric',
    month: 'long',
    day: 'numeric',
  });
}

export function formatTime(date: Date): string {
  return date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

export function formatFullDate(date: Date): string {
  return date.toLocaleString(undefined, { dateStyle: 'full', timeStyle: 'medium' });
}
