// The staff console end to end: Chromium against the real clue-router binary (support.js).
// Every page visited is checked with axe-core (no serious or critical violation) and saved as
// a screenshot; the CSP must refuse nothing the console does.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import {
  PASSWORD,
  Server,
  launch,
  newPage,
  screenshot,
  seriousViolations,
  totp,
} from './support.js';

let server;
let browser;
let intakeKey;
const secrets = {};
const lastStep = {};

// A code the service takes now: its step within one of the clock's, and after the last step
// this person used (each step signs in once).
async function freshCode(username) {
  for (;;) {
    const now = Math.floor(Date.now() / 30000);
    const step = Math.max((lastStep[username] ?? now - 2) + 1, now - 1);
    if (step <= now + 1) {
      lastStep[username] = step;
      return totp(secrets[username], { at: step * 30000 + 1000 });
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

before(async () => {
  server = await new Server().start();
  browser = await launch();
  intakeKey = server.key('hotline-12309-sc', 'intake');
  server.person('li.na', '李娜', 'proc-511702');
  server.person('wang.fang', '王芳', 'proc-511702');
  server.person('zhao.min', '赵敏', 'proc-511702');
  for (const name of ['li.na', 'wang.fang']) {
    secrets[name] = await server.enrol(name);
    lastStep[name] = Math.floor(Date.now() / 30000);
  }
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

async function check(page, name) {
  await screenshot(page, name);
  assert.deepEqual(await seriousViolations(page), [], `axe on ${name}`);
  assert.deepEqual(page.problems, [], `the page's errors on ${name}`);
}

// Password, then a fresh code.
async function signIn(page, username) {
  await page.goto(`${server.base}/console/`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByLabel('动态口令').fill(await freshCode(username));
  await page.getByRole('button', { name: '验证' }).click();
  await page.getByRole('heading', { name: '待办' }).waitFor();
}

function ticketOf(submission, agency) {
  return submission.tickets.find((x) => x.recipient_agency === agency);
}

test('a clerk finds an urgent referral, reveals it with a reason, accepts, notes and closes it', async () => {
  const submission = await server.submitClue(intakeKey, 'E2E-URGENT-0001');
  const ticket = ticketOf(submission, 'proc-511702');
  assert.ok(ticket, 'the clue went to the county procuratorate');

  const { context, page } = await newPage(browser);
  await page.goto(`${server.base}/console/`);
  await page.waitForURL('**/console/signin');
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  await page.getByLabel('用户名').waitFor();
  await check(page, '01-signin');

  await page.getByLabel('用户名').fill('li.na');
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByLabel('动态口令').waitFor();
  await check(page, '02-signin-totp');
  await page.getByLabel('动态口令').fill(await freshCode('li.na'));
  await page.getByRole('button', { name: '验证' }).click();

  // The inbox: the new urgent ticket waits to be accepted.
  await page.getByRole('heading', { name: '待办' }).waitFor();
  const row = page.locator(`tr[data-ticket="${ticket.id}"]`);
  await row.waitFor();
  assert.match(await row.innerText(), /紧急/);
  assert.match(await row.innerText(), /签收期限：(剩余\d+个工作日|今日到期)/);
  assert.match(await page.locator('[data-tab="pending"] .count').innerText(), /^[1-9]/);
  await check(page, '03-inbox');

  // Find it by the hotline's reference.
  await page.getByLabel('查找').fill('E2E-URGENT-0001');
  await row.waitFor();
  await page.getByLabel('查找').fill('');

  await row.getByRole('link').click();
  await page.waitForURL(`**/console/tickets/${ticket.id}`);
  await page.getByRole('heading', { name: /线索/ }).first().waitFor();
  const personal = page.getByTestId('personal-data');
  await personal.waitFor();
  assert.match(await personal.innerText(), /李\*\*/);
  assert.match(await page.locator('body').innerText(), /刑事案件被害人/);
  await check(page, '04-ticket-masked');

  // Reveal, with her reason (Chinese: sent as UTF-8).
  await page.getByTestId('reveal').click();
  await page.getByLabel('查看原因').fill('回拨核实住址');
  await check(page, '05-reveal-reason');
  await page.getByRole('button', { name: '确认查看' }).click();
  await page.getByText('正在显示完整个人信息').waitFor();
  assert.match(await personal.innerText(), /李某/);
  assert.match(await personal.innerText(), /511702198507150023/);
  assert.match(await page.locator('body').innerText(), /掐住我的脖子/);

  // Accept.
  await page.locator('button[data-action="accept"]').click();
  await page.getByText('已签收。').waitFor();
  assert.match(await page.locator('.ticket-head').innerText(), /已签收/);

  // A note.
  await page.getByLabel('工作记录').fill('已与其本人电话联系，暂住娘家。');
  await page.getByTestId('add-note').click();
  await page.getByText('记录已添加。').waitFor();
  assert.match(await page.getByTestId('timeline').innerText(), /已与其本人电话联系/);
  assert.match(await page.getByTestId('timeline').innerText(), /李娜/);

  // Close with an outcome and a measure.
  await page.locator('button[data-action="close"]').click();
  await page.getByLabel('办理结果').selectOption('assisted');
  await page.getByLabel('措施').selectOption('legal_aid');
  await check(page, '06-ticket-close-form');
  await page.getByTestId('confirm-action').click();
  await page.getByText('已办结。').waitFor();
  assert.match(await page.locator('.ticket-head').innerText(), /已办结/);
  await check(page, '07-ticket-closed');

  // The API agrees.
  const staffKey = server.key('proc-511702', 'staff');
  const stored = await server.api('GET', `/v1/tickets/${ticket.id}`, { key: staffKey });
  assert.equal(stored.data.status, 'closed');
  assert.equal(stored.data.outcome, 'assisted');

  // English is a switch, kept.
  await page.getByTestId('language').click();
  await page.getByText('Personal data in clear (audited).').waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await page.reload();
  await page.getByText('Personal data is masked.').waitFor();
  await page.getByTestId('language').click();

  await page.getByTestId('sign-out').click();
  await page.waitForURL('**/console/signin');
  await context.close();
});

test('two clerks act on one ticket: the second is told, sees the new state and retries', async () => {
  const submission = await server.submitClue(intakeKey, 'E2E-CONFLICT-0001', {
    idNumber: '11010519491231002X',
    phone: '13900139000',
  });
  const ticket = ticketOf(submission, 'proc-511702');
  const a = await newPage(browser);
  const b = await newPage(browser);
  await signIn(a.page, 'li.na');
  await signIn(b.page, 'wang.fang');
  for (const p of [a.page, b.page]) {
    await p.goto(`${server.base}/console/tickets/${ticket.id}`);
    await p.locator('button[data-action="take"]').waitFor();
  }
  // Li Na accepts first; Wang Fang, on version 1 still, takes it.
  await a.page.locator('button[data-action="accept"]').click();
  await a.page.getByText('已签收。').waitFor();
  await b.page.locator('button[data-action="take"]').click();
  await b.page.getByText('其他人已经处理了这条线索').waitFor();
  assert.match(await b.page.locator('.ticket-head').innerText(), /已签收/);
  await check(b.page, '08-conflict');
  // She tries again, on the version now shown.
  await b.page.locator('button[data-action="take"]').click();
  await b.page.getByText('承办人已更新。').waitFor();
  assert.equal((await b.page.getByTestId('assignee').innerText()).trim(), '王芳');
  // Li Na's start on her stale page is a conflict too, and works after the reload.
  await a.page.locator('button[data-action="start"]').click();
  await a.page.getByText('其他人已经处理了这条线索').waitFor();
  await a.page.locator('button[data-action="start"]').click();
  await a.page.getByText('已开始办理。').waitFor();
  await a.context.close();
  await b.context.close();
});

test('a clerk enrols her second factor, then signs in with a TOTP code and with a recovery code', async () => {
  const { context, page } = await newPage(browser);
  await page.goto(`${server.base}/console/`);
  await page.getByLabel('用户名').fill('zhao.min');
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL('**/console/enrol');
  await check(page, '09-enrol');
  await page.getByRole('button', { name: '开始绑定' }).click();
  const secret = (await page.getByTestId('totp-secret').innerText()).trim();
  assert.match(secret, /^[A-Z2-7]+=*$/);
  // A wrong code is refused next to the field.
  await page.getByLabel('应用显示的6位口令').fill('000000' === totp(secret) ? '111111' : '000000');
  await page.getByRole('button', { name: '确认绑定' }).click();
  await page.getByText('口令不正确').waitFor();
  await check(page, '10-enrol-wrong-code');
  await page.getByLabel('应用显示的6位口令').fill(totp(secret, { at: Date.now() }));
  await page.getByRole('button', { name: '确认绑定' }).click();
  const codes = page.getByTestId('recovery-codes');
  await codes.waitFor();
  const recovery = (await codes.locator('li').allInnerTexts()).map((s) => s.trim());
  assert.equal(recovery.length, 10);
  await check(page, '11-recovery-codes');
  await page.getByRole('button', { name: '我已保存恢复码，继续' }).click();
  await page.getByRole('heading', { name: '待办' }).waitFor();
  await page.getByTestId('sign-out').click();
  await page.waitForURL('**/console/signin');

  // With the code of the next step (enrolment used this one).
  secrets['zhao.min'] = secret;
  lastStep['zhao.min'] = Math.floor(Date.now() / 30000);
  await signIn(page, 'zhao.min');
  await page.getByTestId('sign-out').click();
  await page.waitForURL('**/console/signin');

  // With a recovery code.
  await page.getByLabel('用户名').fill('zhao.min');
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByRole('button', { name: '改用恢复码' }).click();
  await page.getByLabel('恢复码').fill(recovery[0]);
  await check(page, '12-signin-recovery');
  await page.getByRole('button', { name: '验证' }).click();
  await page.getByRole('heading', { name: '待办' }).waitFor();
  await context.close();
});

test('a reason in Chinese reaches a server as its UTF-8 bytes', async () => {
  // The console sends Reveal-Reason as UTF-8 bytes, one per character (a header cannot hold
  // U+4E00 from a page); an echo server shows what arrives on the wire.
  const echo = createServer((req, res) => {
    if (req.url === '/') {
      res.setHeader('Content-Type', 'text/html');
      return res.end('<!doctype html><title>echo</title>');
    }
    const raw = req.headers['reveal-reason'] || '';
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.end(Buffer.from(raw, 'latin1').toString('utf8'));
  });
  await new Promise((r) => echo.listen(0, '127.0.0.1', r));
  const { context, page } = await newPage(browser);
  await page.goto(`http://127.0.0.1:${echo.address().port}/`);
  const got = await page.evaluate(async () => {
    const bytes = new TextEncoder().encode('回拨核实住址');
    let value = '';
    for (const b of bytes) value += String.fromCharCode(b);
    const r = await fetch('/echo', { headers: { 'Reveal-Reason': value } });
    return r.text();
  });
  assert.equal(got, '回拨核实住址');
  await context.close();
  echo.close();
});
