// Starts the real `perfgate serve --demo` and Debian's chromium for the browser tests.
//
// Environment:
//   PERFGATE_BIN          the perfgate binary (default build/ci/collector/perfgate under the repo root)
//   PERFGATE_URL          test an already running server instead of starting one (development only)
//   CHROMIUM_PATH         the browser (default /usr/bin/chromium); never a downloaded one
//   PERFGATE_SCREENSHOTS  where screenshots go (default web/test-artifacts/<suite>, git-ignored)
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const webDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = resolve(webDir, '..');

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

async function waitForHealth(base, child, log, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let lastError = null;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`perfgate serve exited with ${child.exitCode} before /healthz answered:\n${log()}`);
    try {
      const response = await fetch(`${base}/healthz`);
      if (response.ok) return;
      lastError = new Error(`/healthz answered ${response.status}`);
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`perfgate serve did not become healthy within ${timeoutMs} ms (${lastError?.message}):\n${log()}`);
}

/** The perfgate binary under test (PERFGATE_BIN, else the CI preset's build). */
export function perfgateBin() {
  const binEnv = process.env.PERFGATE_BIN ?? 'build/ci/collector/perfgate';
  const bin = isAbsolute(binEnv) ? binEnv : resolve(repoRoot, binEnv);
  if (!existsSync(bin)) {
    throw new Error(`no perfgate binary at ${bin}: build it (cmake --build <dir> --target perfgate) and set PERFGATE_BIN`);
  }
  return bin;
}

/**
 * Starts `perfgate serve` on a free port, serving web/dist: with `--demo` on a fresh
 * database, or, given `prepare(bin, db)`, on a database that function fills first
 * (e.g. with `perfgate ingest`). Returns {base, dir, bin, stop()}; `prepare`'s result is `prepared`.
 */
export async function startServer({ prepare } = {}) {
  if (process.env.PERFGATE_URL) {
    const base = process.env.PERFGATE_URL.replace(/\/$/, '');
    await waitForHealth(base, null, () => '', 10000);
    return { base, stop: async () => {} };
  }
  const bin = perfgateBin();
  const webRoot = join(webDir, 'dist');
  if (!existsSync(join(webRoot, 'index.html'))) throw new Error(`no ${webRoot}/index.html: run \`npm run build\` first (npm test does)`);
  const dir = mkdtempSync(join(tmpdir(), 'perfgate-web-test-'));
  const db = join(dir, 'demo.db');
  const prepared = prepare ? await prepare(bin, db) : undefined;
  const port = await freePort();
  const args = ['serve', ...(prepare ? [] : ['--demo']), '--db', db, '--host', '127.0.0.1', '--port', String(port), '--web-root', webRoot];
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitForHealth(base, child, () => `$ ${bin} ${args.join(' ')}\n${output}`, 120000);
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    base,
    bin,
    db,
    prepared,
    log: () => output,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Launches Debian's chromium with a fresh profile. Every request to a host other
 * than the server under test is aborted and recorded in `external`.
 * Returns {context, newPage(), external, errors, screenshotDir, close()}.
 */
export async function startBrowser(base, suite = 'dashboard') {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) throw new Error(`no browser at ${executablePath}: apt-get install -y chromium (never a downloaded browser)`);
  const profile = mkdtempSync(join(tmpdir(), 'perfgate-chromium-'));
  const screenshotDir = join(process.env.PERFGATE_SCREENSHOTS ?? join(webDir, 'test-artifacts'), suite);
  mkdirSync(screenshotDir, { recursive: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
    colorScheme: process.env.PERFGATE_COLOR_SCHEME ?? 'light',
    reducedMotion: 'reduce',
  });
  const origin = new URL(base).origin;
  const external = [];
  const errors = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(origin) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    external.push(url);
    return route.abort();
  });
  const pages = [];
  return {
    context,
    external,
    errors,
    screenshotDir,
    async newPage() {
      const page = await context.newPage();
      page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(`console: ${message.text()}`);
      });
      pages.push(page);
      return page;
    },
    async screenshot(page, name) {
      const path = join(screenshotDir, `${name}.png`);
      await page.screenshot({ path, fullPage: false });
      return path;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** GET a JSON document from the server under test. */
export async function apiGet(base, path) {
  const response = await fetch(`${base}${path}`);
  const body = await response.json();
  return { status: response.status, body };
}
