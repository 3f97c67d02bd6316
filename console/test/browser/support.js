// What the browser tests share: the real clue-router binary started on a free loopback port
// with a temporary SQLite database, a data keyring and the demo directory (as scripts/demo and
// tests/integration/support do), people made with `clue-router users create`, clues seeded
// through the API with an intake key, RFC 6238 codes, Chromium, axe-core and screenshots.
import { spawn, spawnSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const consoleDir = resolve(here, '../..');
export const repoDir = resolve(consoleDir, '..');
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const binary = process.env.CLUE_ROUTER_BINARY || resolve(repoDir, 'build/ci/clue-router');
export const screenshotDir =
  process.env.CONSOLE_SCREENSHOTS || resolve(repoDir, 'build/ci/console-screenshots');
export const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';

export const PASSWORD = 'river-lantern-57-copper';

export class Server {
  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'console-browser-'));
    this.env = {
      ...process.env,
      CLUE_ROUTER_LISTEN_ADDRESS: '127.0.0.1',
      CLUE_ROUTER_PORT: '0',
      CLUE_ROUTER_PORT_FILE: join(this.dir, 'port'),
      CLUE_ROUTER_DATABASE: join(this.dir, 'test.db'),
      CLUE_ROUTER_DIRECTORY: join(repoDir, 'config/demo-directory.json'),
      CLUE_ROUTER_CRITERIA: join(repoDir, 'config/criteria.json'),
      CLUE_ROUTER_DATA_KEYS_FILE: join(this.dir, 'data-keys'),
      CLUE_ROUTER_CONSOLE_DIR: join(consoleDir, 'dist'),
      // The shipped default: people of these roles sign in with a second factor.
      CLUE_ROUTER_SECOND_FACTOR_REQUIRED_FOR: 'intake,staff,admin',
      ASAN_OPTIONS: process.env.ASAN_OPTIONS || 'detect_leaks=0',
    };
    this.config = join(repoDir, 'config/demo.json');
  }

  cli(args, input) {
    const r = spawnSync(binary, args, { env: this.env, cwd: repoDir, input, encoding: 'utf8' });
    if (r.status !== 0)
      throw new Error(`clue-router ${args[0]} ${args[1]} failed (${r.status}): ${r.stderr}`);
    return r.stdout.trim();
  }

  async start() {
    if (!existsSync(join(consoleDir, 'dist/index.html')))
      throw new Error('console/dist is missing: run npm run build in console/ first');
    // The keyring is made before the service knows of it (as scripts/demo does).
    const bare = { ...this.env };
    delete bare.CLUE_ROUTER_DATA_KEYS_FILE;
    const made = spawnSync(binary, ['keys', 'new-data-key'], { env: bare, encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`keys new-data-key failed: ${made.stderr}`);
    const keys = made.stdout.trim();
    writeFileSync(join(this.dir, 'data-keys'), `${keys}\n`, { mode: 0o600 });
    this.log = join(this.dir, 'server.log');
    const out = (await import('node:fs')).openSync(this.log, 'a');
    this.process = spawn(binary, ['serve', '--config', this.config], {
      env: this.env,
      cwd: repoDir,
      stdio: ['ignore', out, out],
    });
    const deadline = Date.now() + 60000;
    while (Date.now() < deadline) {
      if (this.process.exitCode !== null) break;
      if (existsSync(this.env.CLUE_ROUTER_PORT_FILE)) {
        const port = readFileSync(this.env.CLUE_ROUTER_PORT_FILE, 'utf8').trim();
        if (port) {
          this.base = `http://127.0.0.1:${port}`;
          try {
            const r = await fetch(`${this.base}/readyz`);
            if (r.ok) return this;
          } catch {
            // not listening yet
          }
        }
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the server did not start:\n${readFileSync(this.log, 'utf8').slice(-4000)}`);
  }

  async stop() {
    if (this.process && this.process.exitCode === null) {
      const exited = new Promise((r) => this.process.once('exit', r));
      this.process.kill('SIGTERM');
      await exited;
    }
    if (!process.env.CONSOLE_BROWSER_KEEP) rmSync(this.dir, { recursive: true, force: true });
  }

  key(agency, role) {
    return this.cli([
      'keys',
      'create',
      '--config',
      this.config,
      '--agency',
      agency,
      '--role',
      role,
      '--label',
      'browser test',
    ]);
  }

  person(username, displayName, agency, role = 'staff') {
    this.cli(
      [
        'users',
        'create',
        '--config',
        this.config,
        '--username',
        username,
        '--display-name',
        displayName,
        '--agency',
        agency,
        '--role',
        role,
      ],
      `${PASSWORD}\n`,
    );
    return username;
  }

  async api(method, path, { key, body, headers = {} } = {}) {
    const h = { ...headers };
    if (key) h.Authorization = `Bearer ${key}`;
    if (body !== undefined) h['Content-Type'] = 'application/json';
    const r = await fetch(this.base + path, {
      method,
      headers: h,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    return { status: r.status, headers: r.headers, data: text ? JSON.parse(text) : null };
  }

  // A clue about a (made-up) woman; returns the submission's reply.
  async submitClue(
    key,
    reference,
    { urgent = true, idNumber = '511702198507150023', phone = '13800130002' } = {},
  ) {
    const received = new Date(Date.now() - 60000).toISOString();
    const r = await this.api('POST', '/v1/clues', {
      key,
      body: {
        source: { channel: 'hotline_12309', reference, received_at: received },
        subject: {
          name: '李某',
          id_number: idNumber,
          phone,
          sex: 'female',
          region: '511702',
          rural: true,
        },
        indicators: urgent ? ['domestic_violence', 'threat_to_life'] : ['domestic_violence'],
        narrative: '我丈夫经常喝酒后打我，昨晚掐住我的脖子说要杀了我。',
        reporter: { relation: 'self' },
        consent: { share_with_partners: true },
      },
    });
    if (r.status !== 201) throw new Error(`clue not stored: ${r.status} ${JSON.stringify(r.data)}`);
    return r.data;
  }

  // Enrols a person's second factor through the API (as she would in the console) and
  // returns the secret.
  async enrol(username) {
    const signIn = await fetch(`${this.base}/v1/sessions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username, password: PASSWORD }),
    });
    const cookie = signIn.headers.get('set-cookie').split(';')[0];
    const { csrf_token: csrf } = await signIn.json();
    const h = { Cookie: cookie, 'X-CSRF-Token': csrf, Origin: this.base };
    const begin = await fetch(`${this.base}/v1/sessions/current/totp`, {
      method: 'POST',
      headers: h,
    });
    const { secret } = await begin.json();
    const confirm = await fetch(`${this.base}/v1/sessions/current/totp/confirm`, {
      method: 'POST',
      headers: { ...h, 'Content-Type': 'application/json' },
      body: JSON.stringify({ code: totp(secret) }),
    });
    if (confirm.status !== 200) throw new Error(`enrolment failed: ${confirm.status}`);
    await fetch(`${this.base}/v1/sessions/current`, { method: 'DELETE', headers: h });
    return secret;
  }
}

function base32(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of text.replace(/=+$/, '').toUpperCase()) {
    const v = alphabet.indexOf(c);
    if (v < 0) throw new Error('not base32');
    bits += v.toString(2).padStart(5, '0');
  }
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

// RFC 6238: HMAC-SHA1, 30-second steps, 6 digits. `step` shifts by whole steps (the service
// accepts one step either side, and never the same step twice).
export function totp(secret, { step = 0, at = Date.now() } = {}) {
  const counter = Math.floor(at / 1000 / 30) + step;
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', base32(secret)).update(message).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 1000000;
  return String(code).padStart(6, '0');
}

export async function launch() {
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--lang=zh-CN'],
  });
}

// A page that records what the CSP refused and what failed in the page.
export async function newPage(browser) {
  const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  page.problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text()))
      page.problems.push(m.text());
  });
  page.on('pageerror', (e) => page.problems.push(String(e)));
  return { context, page };
}

// axe-core in the page (evaluated through the DevTools protocol, which the CSP does not stop):
// the serious and critical violations.
export async function seriousViolations(page) {
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.evaluate(axeSource);
  const results = await page.evaluate(() =>
    window.axe.run(document, { resultTypes: ['violations'] }),
  );
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target).join(', ')}`);
}

export async function screenshot(page, name) {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
}

export function randomName(prefix) {
  return `${prefix}.${randomBytes(3).toString('hex')}`;
}
