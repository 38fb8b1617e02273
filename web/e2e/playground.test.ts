// @vitest-environment node
/**
 * End to end in real headless Chromium against the real local stack (emulators, gateway,
 * a worker): what a person does in the playground, and what they see. Screenshots of
 * the main states go to artifacts/ (git-ignored) to be looked at.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '@playground/local';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const artifacts = join(repo, 'artifacts');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let stack: LocalStack;
let browser: Browser;
let dataDir: string;
/** Every host any page asked for (HTTP and WebSocket), across all tests. */
const hosts = new Set<string>();
const contexts: BrowserContext[] = [];
/** Console errors about the page's Content-Security-Policy: there must be none. */
const cspViolations: string[] = [];
const timings: Record<string, number> = {};
/** The services' log, printed when a test fails (it says why a process stopped). */
const serviceLog: string[] = [];

async function newPage(options: { colorScheme?: 'light' | 'dark'; viewport?: { width: number; height: number } } = {}): Promise<Page> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 720 },
    colorScheme: options.colorScheme ?? 'light',
    reducedMotion: 'reduce',
  });
  contexts.push(context);
  const page = await context.newPage();
  page.on('request', (request) => hosts.add(new URL(request.url()).host));
  page.on('websocket', (socket) => hosts.add(new URL(socket.url()).host));
  page.on('pageerror', (error) => console.error('page error:', error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  return page;
}

/** Opens the app and waits for Monaco and the socket. */
async function open(page: Page, path = '/'): Promise<void> {
  await page.goto(stack.url + path);
  await page.locator('.monaco-editor .view-lines').waitFor();
  await page.locator('[data-testid=connection][data-state=connected]').waitFor();
}

async function clearEditor(page: Page): Promise<void> {
  await page.locator('.monaco-editor .view-lines').click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
}

/** Types one line key by key, as a person would (Monaco's auto-closing types over). */
async function typeLine(page: Page, line: string): Promise<void> {
  await clearEditor(page);
  await page.keyboard.type(line);
}

/**
 * Replaces the editor's text by pasting it: typed line by line, Monaco's auto-indent and
 * auto-closing brackets would change multi-line code.
 */
async function pasteCode(page: Page, code: string): Promise<void> {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.url });
  // The clipboard is the browser's, and writing to it needs the page to have focus.
  await page.bringToFront();
  await clearEditor(page);
  await page.evaluate((text) => navigator.clipboard.writeText(text), code);
  await page.keyboard.press('ControlOrMeta+V');
  await expect.poll(() => editorText(page), { timeout: 5000 }).toBe(code.replace(/\n$/, ''));
}

/** The editor's text as rendered (Monaco draws spaces as no-break spaces). */
async function editorText(page: Page): Promise<string> {
  const text = await page.locator('.monaco-editor .view-lines').innerText();
  return text.replace(/\u00a0/g, ' ');
}

const outputLines = (page: Page) => page.locator('[data-testid=output] .line').allInnerTexts();
const status = (page: Page) => page.locator('[data-testid=status]');
const shot = (page: Page, name: string) => page.screenshot({ path: join(artifacts, `${name}.png`) });

beforeAll(async () => {
  const t0 = Date.now();
  if (!existsSync(CHROMIUM)) {
    throw new Error(`No Chromium at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)`);
  }
  if (!existsSync(join(repo, 'web/build/index.html'))) {
    execFileSync('npm', ['run', 'build', '-w', '@playground/web'], { cwd: repo, stdio: 'inherit' });
  }
  mkdirSync(artifacts, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'playground-e2e-'));
  [stack, browser] = await Promise.all([
    startLocalStack({ port: 0, workers: 1, fresh: true, dataDir, log: (line) => serviceLog.push(line) }),
    chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    }),
  ]);
  timings.startup = Date.now() - t0;
}, 120_000);

afterEach(async (context) => {
  if (context.task.result?.state === 'fail') console.log(serviceLog.slice(-40).join('\n'));
  // Pages of a finished test would keep their sockets and timers busy on two cores.
  await Promise.all(contexts.splice(0).map((c) => c.close().catch(() => {})));
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  console.log('e2e timings (ms):', JSON.stringify(timings));
}, 60_000);

describe('the playground in a browser', { timeout: 30_000 }, () => {
  it('streams lines into the console while the program is still running after Ctrl+Enter', async () => {
    const t0 = Date.now();
    const page = await newPage();
    await open(page);
    timings.firstLoad = Date.now() - t0;
    await typeLine(
      page,
      "for (let i = 1; i <= 6; i++) { console.log('tick ' + i); await new Promise((r) => setTimeout(r, 200)); } console.error('done');",
    );
    const sent = Date.now();
    await page.keyboard.press('ControlOrMeta+Enter');

    // Read in the page, in the same frame that first shows "tick 2": was the run still going?
    const phaseAtTick2 = await page.waitForFunction(() => {
      const lines = [...document.querySelectorAll('[data-testid=output] .line')].map((line) => line.textContent);
      return lines.includes('tick 2') && document.querySelector('[data-testid=status]')?.getAttribute('data-phase');
    });
    expect(await phaseAtTick2.jsonValue()).toBe('running');
    timings.secondLineAfter = Date.now() - sent;
    await shot(page, 'streaming');

    await page.locator('[data-testid=status][data-phase=done]').waitFor();
    timings.runToDone = Date.now() - sent;
    expect(await outputLines(page)).toEqual(['tick 1', 'tick 2', 'tick 3', 'tick 4', 'tick 5', 'tick 6', 'done']);
    expect(await page.locator('[data-testid=output] .line.stderr').innerText()).toBe('done');
    await expect(status(page).innerText()).resolves.toMatch(/Finished in .*wall .* CPU .* queued/s);
    await shot(page, 'finished');
  });

  it('puts a red marker on the TypeScript line that threw and shows the stack', async () => {
    const page = await newPage({ colorScheme: 'dark' });
    await open(page);
    await page.locator('label[title=TypeScript]').click();
    await pasteCode(
      page,
      [
        'interface User { name: string; address?: { city: string } }',
        'const users: User[] = [{ name: "Ada" }];',
        'function city(user: User): string {',
        '  return user.address!.city;',
        '}',
        'console.log(city(users[0]!));',
        '',
      ].join('\n'),
    );
    await page.getByTestId('run').click();
    await page.locator('[data-testid=status][data-phase=done]').waitFor();
    await expect(status(page).innerText()).resolves.toContain('Failed: TypeError at line 4, column');
    expect((await outputLines(page))[0]).toContain('TypeError');

    // The marked line is the one whose line number sits at the same height.
    const marked = page.locator('.run-error-line');
    await marked.waitFor();
    const top = await marked.evaluate((node) => (node.parentElement as HTMLElement).style.top);
    const numbers = page.locator('.margin-view-overlays > div');
    const lineNumber = await numbers.evaluateAll(
      (rows, wantedTop) => rows.find((row) => (row as HTMLElement).style.top === wantedTop)?.textContent?.trim(),
      top,
    );
    expect(lineNumber).toBe('4');
    expect(await page.locator('.squiggly-error').count()).toBeGreaterThan(0);
    await shot(page, 'error-marker-dark');
  });

  it('knows the npm packages\' and Node\'s types: a TypeScript program importing zod shows a type error before it runs', async () => {
    const page = await newPage();
    await open(page);
    await page.locator('label[title=TypeScript]').click();
    const squiggles = page.locator('.squiggly-error');
    // A wrong type through zod's inferred type: only zod's declarations can tell.
    await pasteCode(page, ["import { z } from 'zod';", 'const User = z.object({ name: z.string() });', "const n: number = User.parse({ name: 'Ada' }).name;", ''].join('\n'));
    await expect.poll(() => squiggles.count(), { timeout: 20_000 }).toBeGreaterThan(0);
    // The same program typed right, using lodash and Node's Buffer too, has no error: the
    // imports resolve and nothing else is flagged.
    await pasteCode(
      page,
      [
        "import { z } from 'zod';",
        "import _ from 'lodash';",
        'const User = z.object({ name: z.string() });',
        "const n: string = User.parse({ name: 'Ada' }).name;",
        "console.log(_.upperFirst(n), Buffer.from(n).toString('hex'));",
        '',
      ].join('\n'),
    );
    await expect.poll(() => squiggles.count(), { timeout: 20_000 }).toBe(0);
    // The Packages button lists them with their versions.
    await page.getByTestId('packages-button').click();
    await expect(page.locator('[data-package=zod]').innerText()).resolves.toMatch(/^zod\s+4\.6\.7\s/);
    await shot(page, 'npm-types');
  });

  it('runs an everyday Node program unchanged: require, an EventEmitter, Buffer, process.stdout.write and its exit code', async () => {
    const page = await newPage();
    await open(page);
    await pasteCode(
      page,
      [
        "const EventEmitter = require('events');",
        "const { createHash } = require('node:crypto');",
        'const bus = new EventEmitter();',
        "bus.on('greet', (who) => process.stdout.write(`hello ${who}; `));",
        "bus.emit('greet', Buffer.from('d29ybGQ=', 'base64').toString());",
        "console.log(createHash('sha256').update('abc').digest('hex').slice(0, 8));",
        'process.exitCode = 3;',
        '',
      ].join('\n'),
    );
    await page.getByTestId('run').click();
    await page.locator('[data-testid=status][data-phase=done]').waitFor();
    expect(await outputLines(page)).toEqual(['hello world; ba7816bf']);
    await expect(status(page).innerText()).resolves.toMatch(/Exited with code 3 after/);
    await shot(page, 'node-program');
  });

  it('cancels a long run with Escape and says it was cancelled', async () => {
    const page = await newPage();
    await open(page);
    await pasteCode(page, "setInterval(() => console.log('still here'), 100);\n");
    await page.keyboard.press('ControlOrMeta+Enter');
    await page.locator('[data-testid=output] .line', { hasText: 'still here' }).first().waitFor();
    const pressed = Date.now();
    await page.keyboard.press('Escape');
    await page.locator('[data-testid=status][data-phase=done]').waitFor();
    timings.cancelToDone = Date.now() - pressed;
    await expect(status(page).innerText()).resolves.toMatch(/^Cancelled after/);
    await shot(page, 'cancelled');
    await page.keyboard.press('ControlOrMeta+K');
    await expect.poll(() => outputLines(page)).toEqual([]);
  });

  it('stops a program at the time limit and says which limit in plain words', async () => {
    const page = await newPage();
    await open(page);
    await page.getByRole('button', { name: /Limits/ }).click();
    await page.getByTestId('timeout').fill('1');
    await page.getByTestId('timeout').press('Enter');
    await shot(page, 'settings-popover');
    await page.keyboard.press('Escape');
    await pasteCode(page, 'while (true) {}\n');
    await page.getByTestId('run').click();
    await page.locator('[data-testid=status][data-phase=done]').waitFor();
    await expect(status(page).innerText()).resolves.toMatch(/Stopped after 1 s: wall-clock limit|CPU-time limit/);
    await shot(page, 'time-limit');
  });

  it('opens a share link in a fresh browser with the same code and language', async () => {
    const page = await newPage();
    await open(page);
    await page.locator('label[title=TypeScript]').click();
    const code = "const greeting: string = 'shared from e2e';\nconsole.log(greeting);\n";
    await pasteCode(page, code);
    await page.getByTestId('share').click();
    const link = await page.getByTestId('share-link').inputValue();
    expect(link).toMatch(new RegExp(`^${stack.url}/s/[A-Za-z0-9_-]+$`));
    expect(page.url()).toBe(link);
    await shot(page, 'shared');

    // A new context has empty storage: the code can only come from the link.
    const fresh = await newPage({ viewport: { width: 390, height: 844 } });
    await open(fresh, new URL(link).pathname);
    await expect.poll(() => editorText(fresh)).toBe(code.trimEnd());
    expect(await fresh.locator('input[value=typescript]').isChecked()).toBe(true);
    await fresh.keyboard.press('ControlOrMeta+Enter');
    await fresh.locator('[data-testid=output] .line', { hasText: 'shared from e2e' }).waitFor();
    await shot(fresh, 'share-link-phone');
  });

  it('keeps a run going through a gateway restart: reconnects, resumes, and shows every line once', async () => {
    const page = await newPage();
    await open(page);
    await pasteCode(
      page,
      "for (let i = 1; i <= 12; i++) {\n  console.log(`line ${i}`);\n  await new Promise((r) => setTimeout(r, 250));\n}\n",
    );
    await page.keyboard.press('ControlOrMeta+Enter');
    await page.locator('[data-testid=output] .line', { hasText: 'line 2' }).waitFor();
    const dropped = Date.now();
    await stack.restartGateway();
    await page.locator('[data-testid=connection][data-state=connected]').waitFor({ timeout: 15_000 });
    timings.reconnected = Date.now() - dropped;
    await page.locator('[data-testid=status][data-phase=done]').waitFor({ timeout: 15_000 });
    expect(await outputLines(page)).toEqual(Array.from({ length: 12 }, (_, i) => `line ${i + 1}`));
    await expect(status(page).innerText()).resolves.toMatch(/^Finished/);
    await shot(page, 'resumed-after-restart');
  });

  it('asked no host but its own for anything, under its own strict CSP without a violation', () => {
    expect([...hosts]).toEqual([new URL(stack.url).host]);
    expect(cspViolations).toEqual([]);
  });
});
