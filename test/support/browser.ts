import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium, headless, with the flags this closed network needs. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * The client application's side: a loopback server (RFC 8252 §7.3) that
 * receives the browser at the redirect URIs and remembers where it arrived.
 */
export class CallbackServer {
  private readonly arrivals: URL[] = [];
  private waiters: ((url: URL) => void)[] = [];

  private constructor(
    private readonly server: Server,
    readonly origin: string,
  ) {}

  static async start(): Promise<CallbackServer> {
    const holder: { instance?: CallbackServer } = {};
    const server = createServer((request, response) => {
      const instance = holder.instance!;
      const url = new URL(request.url ?? '/', instance.origin);
      response.writeHead(200, { 'Content-Type': 'text/html' }).end('<!DOCTYPE html><title>back at the app</title><p>back at the app</p>');
      if (url.pathname !== '/favicon.ico') instance.arrive(url);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    holder.instance = new CallbackServer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return holder.instance;
  }

  get callback(): string {
    return `${this.origin}/cb`;
  }

  get loggedOut(): string {
    return `${this.origin}/bye`;
  }

  private arrive(url: URL): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter(url);
    else this.arrivals.push(url);
  }

  /** The next arrival after running action (a navigation or a click). */
  async next(action: () => Promise<unknown>, timeoutMs = 15_000): Promise<URL> {
    this.arrivals.length = 0;
    const arrived = new Promise<URL>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the browser never came back to the application')), timeoutMs);
      this.waiters.push((url) => {
        clearTimeout(timer);
        resolve(url);
      });
    });
    await action();
    return arrived;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Fills and submits our sign-in page. */
export async function submitLogin(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}
