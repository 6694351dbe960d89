// dashboard.mjs URL ADMIN_TOKEN ENROLL_TOKEN SCREENSHOT_DIR
// Drives Debian's chromium (headless) through the dashboard of a running
// enrollguard-server and prints TAP. tests/e2e/t7004 starts the server
// and posts the first devices.
import { chromium } from 'playwright-core';

const [url, adminToken, enrollToken, shots] = process.argv.slice(2);
let n = 0, failed = 0;
const ok = (cond, desc) => {
  n++;
  if (!cond) failed++;
  console.log(`${cond ? 'ok' : 'not ok'} ${n} - ${desc}`);
};

function event(serial, seq, type, data, text) {
  return {
    v: 1, ts: `2026-11-23T09:00:${String(seq).padStart(2, '0')}.000Z`,
    host: { serial, model: 'MacBookAir10,1', os: '14.6.1', build: '23G93', arch: 'arm64' },
    run_id: 'browser1', seq, type, data, text,
  };
}

async function post(events) {
  const res = await fetch(url + '/api/v1/events', {
    method: 'POST',
    headers: { 'Authorization': 'Bearer ' + enrollToken, 'Content-Type': 'application/json' },
    body: JSON.stringify(events),
  });
  if (res.status !== 200) throw new Error('POST answered ' + res.status);
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
  const dialogs = [];
  page.on('dialog', async (d) => { dialogs.push(d.message()); await d.dismiss(); });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));

  await page.goto(url + '/');
  ok(page.url().endsWith('/login'), 'without a session the dashboard sends the browser to the login form');
  await page.fill('input[name=token]', adminToken);
  await page.click('button');
  await page.waitForSelector('#devices');
  ok(new URL(page.url()).pathname === '/', 'logging in with the admin token opens the dashboard');

  const serials = await page.$$eval('#devices tbody tr', (rows) => rows.map((r) => r.dataset.serial));
  ok(serials.includes('C02HOT000001') && serials.includes('C02WAIT00002'), 'the dashboard lists the devices');
  const hostile = '<script>alert(1)</script>';
  ok(serials.includes(hostile), 'the hostile serial has its row');
  const shown = await page.$$eval('#devices td.serial a', (as) => as.map((a) => a.textContent));
  ok(shown.includes(hostile), 'and it is shown as text');
  ok(dialogs.length === 0, 'no script a device sent has run');
  ok((await page.$$('#devices img')).length === 0, 'no markup a device sent became an element');

  await page.waitForFunction(() => document.getElementById('live').textContent === 'live');
  ok(true, 'the live stream connects');
  await page.evaluate(() => { window.notReloaded = true; });
  const hotRow = '#devices tr[data-serial="C02HOT000001"]';
  ok((await page.textContent(hotRow + ' .label')) === 'hot', 'the hot Mac shows hot');
  await post([event('C02HOT000001', 2, 'dasd.verdict',
    { decision: 'Absolutely Must Not Proceed', blocking_policy: 'ThermalPolicy', rationale: 'thermalLevel >= 2' },
    'dasd: ThermalPolicy Absolutely Must Not Proceed (thermalLevel >= 2)')]);
  await page.waitForFunction((sel) => document.querySelector(sel + ' .label').textContent === 'blocked by dasd', hotRow, { timeout: 5000 });
  ok((await page.textContent(hotRow + ' .detail')) === 'ThermalPolicy: thermalLevel >= 2',
    'an event turns its row to "blocked by dasd" with the policy, live');
  await post([event('C02HOT000001', 3, 'run.enrolled', {}, 'enrolled on attempt 2')]);
  await page.waitForFunction((sel) => document.querySelector(sel + ' .label').textContent === 'enrolled', hotRow, { timeout: 5000 });
  ok(await page.evaluate(() => window.notReloaded === true), 'then to enrolled, without a page reload');
  await page.waitForFunction(() => document.getElementById('count-enrolled').textContent === '1', null, { timeout: 5000 });
  ok(true, 'the counts on top follow');
  await post([event('C02NEW000003', 1, 'setup.waiting', {}, 'waiting for Setup Assistant')]);
  await page.waitForSelector('#devices tr[data-serial="C02NEW000003"]', { timeout: 5000 });
  ok((await page.textContent('#devices tr[data-serial="C02NEW000003"] .label')) === 'waiting for Setup Assistant',
    'a Mac that reports for the first time appears live');
  await page.screenshot({ path: shots + '/dashboard.png', fullPage: true });

  await page.click('#devices tr[data-serial="C02HOT000001"] td.serial a');
  await page.waitForSelector('#timeline');
  const texts = await page.$$eval('#timeline td.text', (tds) => tds.map((t) => t.textContent));
  ok(texts[0] === 'enrolled on attempt 2' && texts.some((t) => t.includes('ThermalPolicy')),
    'clicking a Mac opens its timeline, newest first');
  await page.screenshot({ path: shots + '/timeline.png', fullPage: true });
  ok(errors.length === 0, 'no script errors' + (errors.length ? ': ' + errors.join('; ') : ''));
} catch (e) {
  ok(false, 'the browser test ran to the end: ' + e.message);
} finally {
  await browser.close();
}
console.log(`1..${n}`);
process.exit(failed ? 1 : 0);
