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
}
