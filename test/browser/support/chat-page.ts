import { expect, type Locator, type Page } from '@playwright/test';
import { PASSWORDS, type TestUser } from './chat-server.js';

/** The page object: what a person sees and does, by role and accessible name. */
export class ChatPage {
  readonly username: Locator;
  readonly password: Locator;
  readonly staySignedIn: Locator;
  readonly signInButton: Locator;
  readonly alert: Locator;
  readonly channel: Locator;
  readonly log: Locator;
  readonly composer: Locator;
  readonly connection: Locator;
  readonly signOutButton: Locator;

  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {
    this.username = page.getByLabel('Username');
    this.password = page.getByLabel('Password');
    this.staySignedIn = page.getByRole('checkbox', { name: 'Stay signed in on this tab' });
    this.signInButton = page.getByRole('button', { name: 'Sign in' });
    this.alert = page.getByRole('alert');
    this.channel = page.getByRole('heading', { level: 1, name: '#general' });
    this.log = page.getByRole('log', { name: 'Messages in #general' });
    this.composer = page.getByRole('textbox', { name: 'Message #general' });
    this.connection = page.getByRole('main').getByRole('status');
    this.signOutButton = page.getByRole('button', { name: 'Sign out' });
  }

  async open(): Promise<void> {
    await this.page.goto(this.baseUrl);
  }

  async signIn(user: TestUser, options: { password?: string; stay?: boolean } = {}): Promise<void> {
    await this.open();
    await this.username.fill(user);
    await this.password.fill(options.password ?? PASSWORDS[user]);
    if (options.stay) await this.staySignedIn.check();
    await this.signInButton.click();
  }

  /** Signed in, with the live connection up. */
  async expectLive(): Promise<void> {
    await expect(this.channel).toBeVisible();
    await expect(this.connection).toHaveText('Live');
  }

  async send(text: string): Promise<void> {
    await this.composer.fill(text);
    await this.composer.press('Enter');
  }

  message(text: string): Locator {
    return this.log.getByText(text, { exact: true });
  }

  /** The sidebar's list of channels and DMs (and people). */
  get sidebar(): Locator {
    return this.page.getByRole('complementary', { name: 'Channels and people' });
  }

  /** A channel's or DM's link in the sidebar, by its accessible name (`# design`, `secret (private)`, a name). */
  channelLink(name: string | RegExp): Locator {
    return this.sidebar.getByRole('link', { name });
  }

  /** The open channel's heading: `#design`, or a DM's member names. */
  heading(title: string): Locator {
    return this.page.getByRole('heading', { level: 1, name: title, exact: true });
  }

  /** The messages of the channel titled `title`. */
  logOf(title: string): Locator {
    return this.page.getByRole('log', { name: `Messages in ${title}`, exact: true });
  }

  messageIn(title: string, text: string): Locator {
    return this.logOf(title).getByText(text, { exact: true });
  }

  async sendIn(title: string, text: string): Promise<void> {
    const composer = this.page.getByRole('textbox', { name: `Message ${title}`, exact: true });
    await composer.fill(text);
    await composer.press('Enter');
  }

  async createChannel(name: string, options: { topic?: string; private?: boolean } = {}): Promise<void> {
    await this.sidebar.getByRole('button', { name: 'Create a channel' }).click();
    const dialog = this.page.getByRole('dialog', { name: 'Create a channel' });
    await dialog.getByLabel('Name').fill(name);
    if (options.topic) await dialog.getByLabel('Topic (optional)').fill(options.topic);
    if (options.private) await dialog.getByRole('checkbox', { name: /Private/ }).check();
    await dialog.getByRole('button', { name: 'Create' }).click();
    await expect(dialog).toBeHidden();
    await expect(this.heading(`#${name}`)).toBeVisible();
  }

  /** Opens the open channel's member list and adds a person (by the label of the choice: `Bob Builder (@bob)`). */
  async addMember(option: string): Promise<void> {
    const panel = await this.members();
    await panel.getByLabel('Add a person').selectOption({ label: option });
    await panel.getByRole('button', { name: 'Add', exact: true }).click();
  }

  /** The open channel's member list, opened if it was closed. */
  async members(): Promise<Locator> {
    const toggle = this.page.getByRole('button', { name: 'Members', exact: true });
    if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
    return this.page.getByRole('complementary', { name: /^Members of / });
  }

  async newDirectMessage(people: string[]): Promise<void> {
    await this.sidebar.getByRole('button', { name: 'New direct message' }).click();
    const dialog = this.page.getByRole('dialog', { name: 'New direct message' });
    for (const person of people) await dialog.getByRole('checkbox', { name: person }).check();
    await dialog.getByRole('button', { name: 'Open conversation' }).click();
    await expect(dialog).toBeHidden();
  }

  /** Searches the messages from the sidebar's search box. */
  async search(query: string): Promise<void> {
    const box = this.page.getByRole('searchbox', { name: 'Search messages' });
    await box.fill(query);
    await box.press('Enter');
  }

  /** The panel of search results beside the open channel. */
  get searchResults(): Locator {
    return this.page.getByRole('complementary', { name: 'Search results' });
  }

  /** The search result (a list item) whose text contains `text`. */
  searchResult(text: string): Locator {
    return this.searchResults.getByRole('listitem').filter({ hasText: text });
  }

  /** The open channel's name, from the location's hash. */
  openChannelName(): string {
    return decodeURIComponent(new URL(this.page.url()).hash.slice(1));
  }
}
