// The owner console (/console) in a real Chromium against the real backend (target/yuno.jar): sign-in
// with an owner key, the widget's look and its preview, knowledge (upload, crawl of a local site, the
// try box), a visitor's conversation and lead captured through the real widget, leads and their CSV,
// erasure, usage charts; wrong, foreign, expired and forgotten keys; and hostile stored text on
// every page. Screenshots of every page at 1280×800 and 360×740 land in test-results/console/.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ADMIN_KEY, RESULTS_DIR, startAll } from './support/harness.mjs';

const SHOTS = path.join(RESULTS_DIR, 'console');
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 360, height: 740 };
// Stored text that would run if any page put it into the document as markup.
const XSS = `<img src=x onerror="window.__xss=1;alert('img')"><script>window.__xss=1;alert('script')</script>`;
const XSS_TITLE = `Guide ${XSS}`;
// A bot name is at most 60 characters.
const BOT_XSS = `Ava <img src=x onerror="window.__xss=1;alert(1)">`;
const XSS_NAME = `Eve ${XSS}`.slice(0, 190);
const XSS_QUESTION = `Refund please ${XSS}`;
const LEAD_EMAIL = `eve+${Date.now()}@example.com`;

/** @type {Awaited<ReturnType<typeof startAll>>} */
let env;
/** @type {{siteId: string, ownerKey: string}} */
let site;
/** @type {{siteId: string, ownerKey: string}} */
let otherSite;
/** @type {import('node:http').Server} */
let crawled;
let crawledPort = 0;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  env = await startAll(
    {
      // The crawled test site runs on loopback, which production crawls never reach.
      YUNO_KNOWLEDGE_CRAWLER_ALLOW_PRIVATE_ADDRESSES: 'true',
      YUNO_KNOWLEDGE_CRAWLER_PER_HOST_DELAY: '100ms',
      YUNO_KNOWLEDGE_CRAWLER_POLL_INTERVAL: '500ms',
    },
    'backend-console.log',
  );
  env.openai.when(
    'call me',
    'Happy to help! Could you share your email or phone number so that our team can contact you?',
  );
  site = await createSite();
  otherSite = await createSite();
  // A document whose title is hostile, and one of the other site's that must never show here.
  const doc = await env.api.call('POST', `/api/sites/${site.siteId}/documents`, {
    title: XSS_TITLE,
    content: '# Returns\nRefunds are paid within thirty days of a return.',
    content_type: 'text/markdown',
  });
  assert.equal(doc.status, 201, doc.text);
  const foreign = await env.api.call('POST', `/api/sites/${otherSite.siteId}/documents`, {
    title: 'Secret of the other site',
    content: 'The other site keeps this to itself.',
  });
  assert.equal(foreign.status, 201, foreign.text);
  crawled = createServer((req, res) => {
    const pages = {
      '/': '<html><head><title>Crawled home</title></head><body><h1>Welcome</h1><p>We ship parcels every weekday.</p><a href="/shipping">Shipping</a></body></html>',
      '/shipping':
        '<html><head><title>Shipping times</title></head><body><h1>Shipping</h1><p>Parcels arrive within three working days.</p></body></html>',
    };
    const page = pages[/** @type {keyof typeof pages} */ (req.url || '/')];
    res.writeHead(page ? 200 : 404, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(page || 'not found');
  });
  // Every address of the host (IPv6 too where there is one): the crawler connects to what localhost resolves to.
  await new Promise((r) => crawled.listen(0, r));
  crawledPort = /** @type {import('node:net').AddressInfo} */ (crawled.address()).port;
});

after(async () => {
  crawled?.closeAllConnections?.();
  await new Promise((r) => (crawled ? crawled.close(() => r(undefined)) : r(undefined)));
  await env?.stop();
});

async function createSite() {
  const res = await env.api.call('POST', '/api/sites', { domain: 'localhost', plan_type: 'pro' });
  assert.equal(res.status, 201, res.text);
  return { siteId: res.json.site_id, ownerKey: res.json.owner_key };
}

/** A fresh browser context with a page that records alerts (and accepts the console's confirmations). */
async function newPage(viewport = DESKTOP) {
  const context = await env.browser.newContext({ viewport, reducedMotion: 'reduce', acceptDownloads: true });
  context.setDefaultTimeout(15_000);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: env.backend.base });
  const page = await context.newPage();
  const alerts = [];
  const errors = [];
  page.on('dialog', (d) => {
    if (d.type() === 'confirm') {
      d.accept().catch(() => {});
    } else {
      alerts.push(`${d.type()}: ${d.message()}`);
      d.dismiss().catch(() => {});
    }
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    // A policy violation shows as a console error: the page must never try anything that needs one.
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) errors.push(m.text());
  });
  return { context, page, alerts, errors };
}

async function signIn(page, key) {
  await page.goto(`${env.backend.base}/console`);
  await page.getByLabel('Owner key or operator key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

const consoleUrl = (hash) => `${env.backend.base}/console#${hash}`;

async function go(page, hash, heading) {
  await page.goto(consoleUrl(hash));
  await page.locator('h1', { hasText: heading }).waitFor();
}

/** Nothing hostile ran, and the page fits a 360 px phone without sideways scrolling. */
async function assertInert(page, alerts) {
  assert.equal(await page.evaluate(() => /** @type {any} */ (window).__xss), undefined, 'a stored payload ran');
  assert.deepEqual(alerts, [], 'no alert may open');
  assert.equal(await page.locator('main img[src="x"], main script').count(), 0, 'no stored markup became elements');
}

/** Screenshots of the page as it is, on a desktop and on a phone; the phone's must not scroll sideways. */
async function shots(page, name) {
  await page.setViewportSize(DESKTOP);
  await page.screenshot({ path: path.join(SHOTS, `${name}-desktop.png`), fullPage: true });
  await page.setViewportSize(PHONE);
  await page.waitForTimeout(100);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  const wide = await page.evaluate(() =>
    [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1 && !el.closest('nav, .table-wrap'))
      .slice(0, 8)
      .map((el) => `${el.tagName.toLowerCase()}.${el.className} ${Math.round(el.getBoundingClientRect().right)}`),
  );
  assert.ok(overflow <= 1, `${name} scrolls sideways on a 360 px phone by ${overflow} px: ${wide.join(', ')}`);
  await page.screenshot({ path: path.join(SHOTS, `${name}-phone.png`), fullPage: true });
  await page.setViewportSize(DESKTOP);
}

/** A minimal valid PDF with one page of text and a title, as PDFBox reads it. */
function pdf(title, text) {
  const stream = `BT /F1 14 Tf 72 720 Td (${text}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    `<< /Title (${title}) >>`,
  ];
  let out = '%PDF-1.4\n';
  const offsets = [];
  objects.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  out += offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info 6 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

test('the page is served without a key and with a policy that allows no inline script', async () => {
  const res = await fetch(`${env.backend.base}/console`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-security-policy') || '', /script-src 'self';/);
  assert.doesNotMatch(res.headers.get('content-security-policy') || '', /unsafe-inline/);
});

test(
  'an owner signs in with the key alone, edits the look and sees the preview change',
  { timeout: 120_000 },
  async () => {
    const { context, page, alerts, errors } = await newPage();
    await signIn(page, site.ownerKey);
    await page.locator('h1', { hasText: 'Install on localhost' }).waitFor();
    assert.match(page.url(), new RegExp(`#/sites/${site.siteId}/install$`));
    assert.match(await page.locator('#snippet').innerText(), new RegExp(`site_id="${site.siteId}"`));
    assert.match(await page.locator('#snippet').innerText(), /yuno\.js/);
    await shots(page, 'signed-in-install');

    const preview = page.locator('yuno-preview');
    const panelColour = () =>
      preview.evaluate(
        (el) => getComputedStyle(/** @type {Element} */ (el.shadowRoot?.querySelector('.panel'))).backgroundColor,
      );
    const headerColour = () =>
      preview.evaluate(
        (el) => getComputedStyle(/** @type {Element} */ (el.shadowRoot?.querySelector('.header'))).backgroundColor,
      );
    assert.equal(await panelColour(), 'rgb(23, 23, 31)', 'the dark theme first');
    await page.getByLabel('Theme').selectOption('light');
    assert.equal(await preview.getAttribute('theme'), 'light');
    assert.equal(await panelColour(), 'rgb(255, 255, 255)');
    await page.getByLabel('Colour as #RRGGBB').fill('#1D4ED8');
    assert.equal(await headerColour(), 'rgb(29, 78, 216)');
    await page.getByLabel('Bot name').fill(BOT_XSS);
    await page.getByLabel('Welcome message').fill('Hello from the preview!');
    await page.getByLabel('Position').selectOption('bottom-left');
    const header = await preview.evaluate((el) => el.shadowRoot?.querySelector('.header')?.textContent);
    assert.equal(header, BOT_XSS, 'the bot name is shown as text');
    assert.equal(
      await preview.evaluate((el) => el.shadowRoot?.querySelector('.msg.bot')?.textContent),
      'Hello from the preview!',
    );
    const side = await preview.evaluate((el) => {
      const corner = /** @type {Element} */ (el.shadowRoot?.querySelector('.corner')).getBoundingClientRect();
      return corner.left - el.getBoundingClientRect().left;
    });
    assert.ok(side < 40, 'bottom-left puts the widget on the left');
    await page.getByLabel('Bot name').fill('Ava');
    await page.getByRole('button', { name: 'Save look' }).click();
    await page.getByText('Saved.').waitFor();
    const stored = await env.api.call('GET', `/api/sites/${site.siteId}`);
    assert.equal(stored.json.theme, 'light');
    assert.equal(stored.json.custom_config.primary_color.toLowerCase(), '#1d4ed8');
    assert.equal(stored.json.custom_config.position, 'bottom-left');
    assert.match(await page.locator('#snippet').innerText(), /theme="light"/);

    await page.getByRole('button', { name: 'Copy snippet' }).click();
    await page.getByText(/Copied to the clipboard|Selected/).waitFor();
    await shots(page, 'install');
    await assertInert(page, alerts);
    assert.deepEqual(errors, []);
    await context.close();
  },
);

test(
  'knowledge: upload a PDF and a markdown file, crawl a local site to done, try a question',
  { timeout: 180_000 },
  async () => {
    const { context, page, alerts, errors } = await newPage();
    await signIn(page, site.ownerKey);
    await page.locator('h1', { hasText: 'Install on' }).waitFor();
    await go(page, `/sites/${site.siteId}/knowledge`, 'Knowledge');
    const documents = page.locator('section', { has: page.locator('h2', { hasText: 'Documents' }) }).first();
    await documents.getByText(XSS_TITLE).waitFor();
    assert.equal(await documents.getByText('Secret of the other site').count(), 0);

    // The PDF through the file picker.
    await page.locator('#upload-files').setInputFiles({
      name: 'warranty.pdf',
      mimeType: 'application/pdf',
      buffer: pdf('Warranty card', 'The warranty lasts two years from delivery.'),
    });
    await page.getByText(/warranty\.pdf: added, \d+ passage/).waitFor();
    // The markdown file dropped on the drop zone, as a file dragged from the desktop arrives.
    await page.evaluate(() => {
      const data = new DataTransfer();
      data.items.add(
        new File(['# Opening hours\n\nWe are open from nine to five, Monday to Friday.\n'], 'hours.md', {
          type: 'text/markdown',
        }),
      );
      document
        .getElementById('drop')
        ?.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    });
    await page.getByText(/hours\.md: added, \d+ passage/).waitFor();
    await documents.getByText('Warranty card').waitFor();
    await documents.getByRole('cell', { name: 'application/pdf' }).waitFor();
    await documents.getByRole('cell', { name: 'text/markdown' }).first().waitFor();

    // A crawl of the local test site, followed live to done.
    await page.getByLabel('Page or sitemap URL').fill(`http://localhost:${crawledPort}/`);
    await page.getByLabel('Most pages').fill('5');
    await page.getByRole('button', { name: 'Start crawl' }).click();
    await page.locator('#crawl-progress .crawl-status', { hasText: /Crawl (queued|running|done)/ }).waitFor();
    await page
      .locator('#crawl-progress .crawl-status', { hasText: 'Crawl done: 2 of 2 pages' })
      .waitFor({ timeout: 90_000 });
    await documents.getByText('Shipping times').waitFor();

    // The try box shows the passages retrieval finds, with scores.
    await page.getByLabel('Question').fill('How long does the warranty last?');
    await page.getByRole('button', { name: 'Search' }).click();
    const passages = page.locator('#passages .passage');
    await passages.first().waitFor();
    assert.match(await page.locator('#passages').innerText(), /score \d\.\d{3}/);
    assert.match(await page.locator('#passages').innerText(), /two years/);
    assert.doesNotMatch(await page.locator('#passages').innerText(), /other site keeps/);
    await shots(page, 'knowledge');

    // Deleting the crawled page's document.
    const before = await documents.locator('tbody tr').count();
    await documents.getByRole('button', { name: 'Delete Shipping times' }).click();
    await page.getByText('Document deleted.').waitFor();
    await page.waitForFunction((n) => document.querySelectorAll('tbody tr').length === n - 1, before);
    await assertInert(page, alerts);
    assert.deepEqual(errors, []);
    await context.close();
  },
);

test(
  'a conversation and lead from the real widget: conversations, leads with search and CSV, erasure',
  { timeout: 180_000 },
  async () => {
    // The visitor: the widget on a page of localhost, a hostile question, then the contact form.
    const visitor = await newPage();
    await visitor.page.goto(env.pages.add(env.backend.base, { site_id: site.siteId }));
    const w = (sel) => visitor.page.locator(`yuno-chat ${sel}`);
    await w('.launcher').waitFor({ state: 'visible' });
    await w('.launcher').click();
    await w('#q').fill(XSS_QUESTION);
    const asked = visitor.page.waitForResponse((r) => r.url().endsWith('/ask') && r.request().method() === 'POST');
    await w('#q').press('Enter');
    assert.equal((await asked).status(), 200);
    await visitor.page.waitForFunction(
      () => !document.querySelector('yuno-chat')?.shadowRoot?.querySelector('.send')?.hasAttribute('disabled'),
    );
    await w('#q').fill('Can someone call me back?');
    await w('#q').press('Enter');
    await w('.msg.bot button.offer').last().click();
    await w('form.lead').waitFor({ state: 'visible' });
    await w('form.lead [name=name]').fill(XSS_NAME);
    await w('form.lead [name=email]').fill(LEAD_EMAIL);
    await w('form.lead [name=message]').fill(`Call me ${XSS}`);
    const lead = visitor.page.waitForResponse((r) => r.url().endsWith('/widget/leads'));
    await w('form.lead [type=submit]').click();
    assert.equal((await lead).status(), 201);
    await visitor.context.close();

    const { context, page, alerts, errors } = await newPage();
    await signIn(page, site.ownerKey);
    await page.locator('h1', { hasText: 'Install on' }).waitFor();

    // Leads: the hostile name as text, search, date filter, CSV.
    await go(page, `/sites/${site.siteId}/leads`, 'Leads');
    await page.getByRole('cell', { name: LEAD_EMAIL }).waitFor();
    assert.equal(
      await page.getByRole('cell', { name: XSS_NAME, exact: true }).count(),
      1,
      'the name as the visitor typed it',
    );
    await page.getByLabel('Search').fill('nobody-matches-this');
    await page.getByText(/^0 of 1 lead/).waitFor();
    await page.getByLabel('Search').fill('eve+');
    await page.getByText(/^1 of 1 lead/).waitFor();
    await page.getByLabel('From').fill('2000-01-01');
    await page.getByLabel('To').fill('2000-12-31');
    await page.getByText(/^0 of 1 lead/).waitFor();
    await page.getByLabel('To').fill('');
    await page.getByText(/^1 of 1 lead/).waitFor();
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download CSV (all leads)' }).click();
    const file = await (await download).path();
    const csv = readFileSync(/** @type {string} */ (file), 'utf8');
    assert.match(csv, /^lead_id,session_id,name,email,phone,message/);
    assert.ok(csv.includes(LEAD_EMAIL), csv);
    assert.equal((await download).suggestedFilename(), `leads-${site.siteId}.csv`);
    await shots(page, 'leads');
    await assertInert(page, alerts);

    // Conversations: the list says there is a lead; the conversation shows the question as text.
    await go(page, `/sites/${site.siteId}/conversations`, 'Conversations');
    const row = page.locator('tbody tr').first();
    assert.match(await row.innerText(), /yes/);
    await shots(page, 'conversations');
    await row.getByRole('link').click();
    await page.locator('h1', { hasText: 'Conversation' }).waitFor();
    await page.locator('.msg.user .text', { hasText: 'Refund please' }).waitFor();
    assert.equal(await page.locator('.msg.user .text').first().textContent(), XSS_QUESTION);
    await page.locator('.msg.assistant .chip').first().waitFor();
    assert.match(await page.locator('.msg.assistant').first().innerText(), /Sources|without any passage/);
    await shots(page, 'conversation');
    await assertInert(page, alerts);

    await page.getByRole('button', { name: 'Erase conversation' }).click();
    await page.getByText('Conversation erased.').waitFor();
    await page.locator('h1', { hasText: 'Conversations' }).waitFor();
    await page.getByText('No conversations yet.').waitFor();
    const leadsLeft = await env.api.call('GET', `/api/sites/${site.siteId}/leads`);
    assert.equal(leadsLeft.json.total, 0, 'erasure takes the lead too');
    assert.deepEqual(errors, []);
    await context.close();
  },
);

test(
  'usage and insights: charts, the questions the knowledge base is missing, and settings',
  { timeout: 120_000 },
  async () => {
    // A question the fake model answers with no confidence: it is a gap.
    const token = await (
      await fetch(`${env.backend.base}/widget/authenticate`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ site_id: site.siteId, domain: 'localhost', nonce: `n-${Date.now()}-console` }),
      })
    ).json();
    const ask = await fetch(`${env.backend.base}/ask`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token.token}` },
      body: JSON.stringify({
        messages: [{ role: 'user', content: `Do you sell gift cards? ${XSS}` }],
        session_id: 'gap-session',
      }),
    });
    assert.equal(ask.status, 200);

    const { context, page, alerts, errors } = await newPage();
    await signIn(page, site.ownerKey);
    await page.locator('h1', { hasText: 'Install on' }).waitFor();
    await go(page, `/sites/${site.siteId}/usage`, 'Usage & insights');
    const gap = page.locator('.gaps li', { hasText: 'Do you sell gift cards?' });
    await gap.waitFor({ timeout: 30_000 }).catch(async () => {
      // The answer is stored off the visitor's path: look again.
      await page.reload();
      await gap.waitFor({ timeout: 30_000 });
    });
    assert.equal(await gap.locator('.text').textContent(), `Do you sell gift cards? ${XSS}`);
    assert.ok((await page.locator('.chart svg rect').count()) > 0, 'bars are drawn');
    assert.equal(await page.locator('.meter').count(), 4);
    assert.match(await page.locator('main').innerText(), /of 1,000|of 1000/);
    await shots(page, 'usage');
    await assertInert(page, alerts);
    await gap.getByRole('link', { name: 'Add a document' }).click();
    await page.locator('h1', { hasText: 'Knowledge' }).waitFor();
    assert.equal(await page.locator('#write-title').inputValue(), `Do you sell gift cards? ${XSS}`);
    await page.locator('#write-content').fill('# Gift cards\nYes: gift cards of 10 to 100 EUR, sold online.');
    await page.getByRole('button', { name: 'Add document' }).click();
    await page.getByText(/^Added, \d+ passage/).waitFor();

    // Settings: domains and the subdomain rule, identity verification, the owner key's rotation.
    await go(page, `/sites/${site.siteId}/settings`, 'Settings of localhost');
    assert.match(await page.locator('main').innerText(), /shop\.example\.com matches example\.com/);
    await page.getByLabel('Require verified visitors (identity verification)').check();
    await page.getByRole('button', { name: 'Save identity verification' }).click();
    await page.getByText(/identity secret first|identity-secret/).waitFor();
    await page.getByRole('button', { name: 'Make a new identity secret' }).click();
    await page.locator('.secret').first().waitFor();
    await page.getByRole('button', { name: 'Save identity verification' }).click();
    await page.locator('p.message', { hasText: 'Saved.' }).first().waitFor();
    assert.equal((await env.api.call('GET', `/api/sites/${site.siteId}`)).json.identity_required, true);
    await page.getByLabel('Require verified visitors (identity verification)').uncheck();
    await page.getByRole('button', { name: 'Save identity verification' }).click();
    for (let i = 0; i < 50 && (await env.api.call('GET', `/api/sites/${site.siteId}`)).json.identity_required; i++) {
      await page.waitForTimeout(100);
    }
    await shots(page, 'settings');

    await page.getByRole('button', { name: 'Rotate the owner key' }).click();
    const newKey = (await page.locator('.secret', { hasText: 'ysk_' }).textContent()) || '';
    assert.match(newKey, /^ysk_/);
    const old = await fetch(`${env.backend.base}/api/key`, { headers: { Authorization: `Bearer ${site.ownerKey}` } });
    assert.equal(old.status, 401, 'the old key stops working');
    site.ownerKey = newKey;
    // The console carries on with the new key.
    await go(page, `/sites/${site.siteId}/conversations`, 'Conversations');
    await assertInert(page, alerts);
    assert.deepEqual(errors, []);
    await context.close();
  },
);

test(
  'a wrong key, another site, an expired and a forgotten session show why and no data',
  { timeout: 120_000 },
  async () => {
    const { context, page, alerts } = await newPage();
    await signIn(page, 'ysk_this-key-does-not-exist-0000000000000000');
    await page.getByText('That key was not accepted.').waitFor();
    assert.equal(await page.locator('nav a').count(), 0);
    assert.equal(await page.evaluate(() => sessionStorage.getItem('yuno.console.key')), null);
    await shots(page, 'sign-in-wrong-key');

    // The other site's owner opens this site's pages by URL: the API says no, the page shows nothing.
    await signIn(page, otherSite.ownerKey);
    await page.locator('h1', { hasText: 'Install on' }).waitFor();
    for (const slug of ['install', 'knowledge', 'conversations', 'leads', 'usage', 'settings']) {
      await page.goto(consoleUrl(`/sites/${site.siteId}/${slug}`));
      await page.getByText('your key does not reach it').waitFor();
      const text = await page.locator('main').innerText();
      assert.ok(
        !text.includes('Guide') && !text.includes('Warranty') && !text.includes(site.siteId + '"'),
        `${slug}: ${text}`,
      );
    }
    await shots(page, 'another-site');

    // An expired session: forgotten at the next page, with the reason.
    await page.evaluate(() => sessionStorage.setItem('yuno.console.expires', String(Date.now() - 1000)));
    await page.goto(consoleUrl(`/sites/${otherSite.siteId}/leads`));
    await page.getByText('Your session expired.').waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.getItem('yuno.console.key')), null);
    assert.equal(await page.locator('table').count(), 0);

    // Signing out forgets the key: the back button and a bookmarked page show the sign-in.
    await signIn(page, otherSite.ownerKey);
    await page.locator('h1', { hasText: 'Install on' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You are signed out.').waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.getItem('yuno.console.key')), null);
    await page.goto(consoleUrl(`/sites/${otherSite.siteId}/conversations`));
    await page.locator('h1', { hasText: 'Sign in' }).waitFor();
    assert.equal(await page.locator('table').count(), 0);

    // A key revoked while signed in (rotated elsewhere): the next call ends the session.
    await signIn(page, otherSite.ownerKey);
    await page.locator('h1', { hasText: 'Install on' }).waitFor();
    const rotated = await env.api.call('POST', `/api/sites/${otherSite.siteId}/owner-key`);
    otherSite.ownerKey = rotated.json.owner_key;
    await page.goto(consoleUrl(`/sites/${otherSite.siteId}/leads`));
    await page.getByText('Your key is no longer accepted').waitFor();
    await assertInert(page, alerts);
    await context.close();
  },
);

test('the operator sees every site and creates one, whose key then signs in', { timeout: 90_000 }, async () => {
  const { context, page, alerts, errors } = await newPage();
  await signIn(page, ADMIN_KEY);
  await page.locator('h1', { hasText: 'All sites' }).waitFor();
  // Every site, the two of these tests among them (other test files share the database).
  assert.ok(Number((await page.locator('h2', { hasText: 'Sites (' }).innerText()).match(/\d+/)?.[0]) >= 2);
  assert.ok((await page.locator('tbody tr').count()) >= 2);
  await page.getByLabel('Domain').fill('new-shop.example');
  await page.getByLabel('Plan').selectOption('basic');
  await page.getByRole('button', { name: 'Create site' }).click();
  const key = (await page.locator('.secret').textContent()) || '';
  assert.match(key, /^ysk_/);
  await shots(page, 'sites');
  await page.getByRole('link', { name: 'Open the site' }).click();
  await page.locator('h1', { hasText: 'Install on new-shop.example' }).waitFor();
  // The operator reaches every site's pages, the hostile ones too.
  await go(page, `/sites/${site.siteId}/knowledge`, 'Knowledge');
  await page.getByText(XSS_TITLE).first().waitFor();
  await assertInert(page, alerts);
  assert.deepEqual(errors, []);
  await context.close();

  const owner = await newPage();
  await signIn(owner.page, key);
  await owner.page.locator('h1', { hasText: 'Install on new-shop.example' }).waitFor();
  await owner.context.close();
});
