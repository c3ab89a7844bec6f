// Everything the browser tests stand on: the real backend (target/yuno.jar) started on a free port
// against the PostgreSQL and Redis of the environment, a fake OpenAI server, a page server for
// http://localhost:<port>/..., the owner API, and Debian's Chromium driven by playwright-core.
import { spawn } from 'node:child_process';
import { createHmac, createHash, randomUUID } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { FakeOpenAI } from './fake-openai.mjs';

export const WIDGET_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const RESULTS_DIR = path.join(WIDGET_DIR, 'test-results');
const JAR = path.resolve(WIDGET_DIR, '../target/yuno.jar');

export const ADMIN_KEY = `yadm_widget_tests_${randomUUID().replaceAll('-', '')}`;
export const JWT_SECRET = 'widget-tests-secret-0123456789-abcdefghijklmnopq'; // 48 characters
export const FREE_PER_MINUTE = 2;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {net.AddressInfo} */ (s.address());
      s.close(() => resolve(port));
    });
  });
}

function javaBinary() {
  for (const home of [process.env.JAVA_HOME, '/usr/lib/jvm/temurin-25-jdk-amd64']) {
    if (home && existsSync(path.join(home, 'bin/java'))) return path.join(home, 'bin/java');
  }
  return 'java';
}

/** Starts the backend and waits until it is ready. */
export async function startBackend(openaiPort, extraEnv = {}, logName = 'backend.log') {
  if (!existsSync(JAR)) throw new Error(`${JAR} is missing: build it first (./mvnw -DskipTests package)`);
  mkdirSync(RESULTS_DIR, { recursive: true });
  const port = await freePort();
  const log = createWriteStream(path.join(RESULTS_DIR, logName));
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PORT: String(port),
    DATABASE_URL: process.env.DATABASE_URL || 'jdbc:postgresql://127.0.0.1:5432/yuno_test',
    DATABASE_USERNAME: process.env.DATABASE_USERNAME || 'yuno',
    DATABASE_PASSWORD: process.env.DATABASE_PASSWORD || 'yuno',
    REDIS_URL: process.env.REDIS_URL || 'redis://127.0.0.1:6379',
    YUNO_ADMIN_API_KEY: ADMIN_KEY,
    JWT_SECRET,
    OPENAI_API_KEY: 'test',
    OPENAI_BASE_URL: `http://127.0.0.1:${openaiPort}/v1`,
    YUNO_PLANS_LIMITS_FREE_MINUTE: String(FREE_PER_MINUTE),
    YUNO_WIDGET_AUTHENTICATIONS_PER_IP_PER_MINUTE: '10000',
    SENTRY_DSN: '',
    MIXPANEL_TOKEN: '',
    ...extraEnv,
  };
  const child = spawn(javaBinary(), ['-XX:TieredStopAtLevel=1', '-jar', JAR], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  let exited = null;
  child.on('exit', (code) => {
    exited = code ?? -1;
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (exited !== null) throw new Error(`The backend exited with ${exited}; see ${path.join(RESULTS_DIR, logName)}`);
    try {
      const res = await fetch(`${base}/actuator/health/readiness`);
      if (res.ok) break;
    } catch {
      /* not up yet */
    }
    await sleep(500);
  }
  if (Date.now() >= deadline) {
    child.kill('SIGKILL');
    throw new Error('The backend did not become ready within 3 minutes');
  }
  return {
    port,
    base,
    async stop() {
      if (exited !== null) return;
      const done = new Promise((r) => child.on('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await done;
      clearTimeout(timer);
    },
  };
}

/** The owner/operator API, as the operator. */
export class Api {
  constructor(base) {
    this.base = base;
  }

  async call(method, url, body, headers = {}) {
    const res = await fetch(this.base + url, {
      method,
      headers: {
        Authorization: `Bearer ${ADMIN_KEY}`,
        ...(body ? { 'Content-Type': 'application/json' } : {}),
        ...headers,
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    let json = null;
    try {
      json = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: res.status, text, json, headers: res.headers };
  }

  /** Creates a site for localhost (pro plan unless said otherwise) and returns its id. */
  async createSite(fields = {}) {
    const res = await this.call('POST', '/api/sites', { domain: 'localhost', plan_type: 'pro', ...fields });
    if (res.status !== 201) throw new Error(`site not created: ${res.status} ${res.text}`);
    return /** @type {string} */ (res.json.site_id);
  }

  async patchSite(siteId, fields) {
    const res = await this.call('PATCH', `/api/sites/${siteId}`, fields);
    if (res.status !== 200) throw new Error(`site not changed: ${res.status} ${res.text}`);
  }

  async addDocument(siteId, doc) {
    const res = await this.call('POST', `/api/sites/${siteId}/documents`, { content_type: 'text/plain', ...doc });
    if (res.status !== 201) throw new Error(`document not added: ${res.status} ${res.text}`);
    return res.json;
  }
}

/** Serves test pages at http://localhost:<port>/<name>. */
export class Pages {
  constructor() {
    /** @type {Map<string, string>} */
    this.pages = new Map();
    this.server = createServer((req, res) => {
      const html = this.pages.get(new URL(req.url || '/', 'http://localhost').pathname);
      res.writeHead(html ? 200 : 404, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(html || 'not found');
    });
  }

  async listen() {
    await new Promise((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = /** @type {net.AddressInfo} */ (this.server.address()).port;
  }

  /**
   * A page with the install snippet; attributes as given (null leaves one out).
   * @param {string} backend the backend's base URL
   * @param {Record<string, string | null | undefined>} attrs
   */
  add(backend, attrs, { title = 'Test page', head = '' } = {}) {
    const name = `/${randomUUID()}`;
    const esc = (v) => String(v).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
    const list = Object.entries(attrs)
      .filter(([, v]) => v != null)
      .map(([k, v]) => ` ${k}="${esc(v)}"`)
      .join('');
    this.pages.set(
      name,
      `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title>${head}
<style>body{font:16px/1.5 Georgia,serif;margin:0;padding:2rem;background:#f4f1ea;color:#222}main{max-width:40rem}</style></head>
<body><main><h1>Acme Widgets</h1><p>We sell the finest widgets. <a href="#pricing">Pricing</a></p>
<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit. Integer nec odio. Praesent libero. Sed cursus ante dapibus diam.</p></main>
<script src="${backend}/yuno.js"${list}></script></body></html>`,
    );
    return `http://localhost:${this.port}${name}`;
  }

  close() {
    this.server.closeAllConnections?.();
    return new Promise((r) => this.server.close(() => r()));
  }
}

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * Starts everything; returns the pieces and a function that stops them.
 * @param {Record<string, string>} [extraEnv] settings of the backend beyond the tests' defaults
 * @param {string} [logName] the backend's log in the results folder (one per test file: they may run at once)
 */
export async function startAll(extraEnv = {}, logName = 'backend.log') {
  const openai = new FakeOpenAI();
  const openaiPort = await openai.listen();
  const pages = new Pages();
  await pages.listen();
  let backend;
  let browser;
  try {
    backend = await startBackend(openaiPort, extraEnv, logName);
    const served = Buffer.from(await (await fetch(`${backend.base}/yuno.js`)).arrayBuffer());
    if (!served.equals(widgetSource())) {
      throw new Error(
        'target/yuno.jar serves another yuno.js than widget/yuno.js: rebuild it (./mvnw -DskipTests package)',
      );
    }
    browser = await launchBrowser();
  } catch (e) {
    await backend?.stop();
    await openai.close();
    await pages.close();
    throw e;
  }
  return {
    openai,
    pages,
    backend,
    browser,
    api: new Api(backend.base),
    async stop() {
      await browser.close().catch(() => {});
      await backend.stop();
      await openai.close();
      await pages.close();
    },
  };
}

/**
 * A widget token signed like the backend's own (HS256, kid from the secret), e.g. one that has
 * expired, which only the server's clock can refuse.
 */
export function mintToken(siteId, { domain = 'localhost', expiresInSeconds = 3600, issuedSecondsAgo = 0 } = {}) {
  const b64 = (v) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
  const kid = `k${createHash('sha256').update(JWT_SECRET).digest('base64url').slice(0, 11)}`;
  const now = Math.floor(Date.now() / 1000);
  const header = b64({ alg: 'HS256', kid, typ: 'JWT' });
  const payload = b64({
    iss: 'yuno',
    aud: ['yuno-widget'],
    sub: siteId,
    domain,
    jti: randomUUID(),
    iat: now - issuedSecondsAgo,
    nbf: now - issuedSecondsAgo,
    exp: now + expiresInSeconds,
  });
  const signature = createHmac('sha256', JWT_SECRET).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

export function widgetSource() {
  return readFileSync(path.join(WIDGET_DIR, 'yuno.js'));
}

export { sleep };
