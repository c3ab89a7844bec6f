// The widget in a real Chromium against the real backend (target/yuno.jar) with a fake model server.
// Pages are served from http://localhost:<port>/ and load http://127.0.0.1:<backend>/yuno.js, as a
// customer's site would load it from Yuno's host: every widget call is a real cross-origin request.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { FREE_PER_MINUTE, RESULTS_DIR, mintToken, sleep, startAll } from './support/harness.mjs';

/** @type {Awaited<ReturnType<typeof startAll>>} */
let env;
const THEMES = ['dark', 'light', 'blue', 'green'];
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 360, height: 740 };

before(async () => {
  env = await startAll();
  const { openai } = env;
  openai.when('opening hours', {
    text: 'We are open **9 to 5**, Monday to Friday.\n\n- Weekends: *closed*\n- Holidays: see [our page](https://example.com/holidays)\n\nAsk for `HOURS-42` at the desk.',
    chunks: 8,
    delayMs: 60,
    firstDelayMs: 400,
  });
  openai.when('call me', 'Happy to help! Could you share your email or phone number so that our team can contact you?');
  openai.when('xss-answer', {
    text: 'Look: <img src=x onerror="alert(\'answer\')"> <script>alert("answer")</script> [click me](javascript:alert(1)) **<b>bold</b>** <a href="javascript:alert(2)">raw link</a>',
    chunks: 5,
  });
  openai.when('model-down', { status: 503 });
  openai.when('price table', {
    text: 'Our plans:\n\n| Plan | Price | Notes |\n|---|---:|---|\n| Basic | **10 EUR** | <img src=x onerror="alert(\'cell\')"> |\n| Pro | 20 EUR | [details](https://example.com/pro) |\n| Team | 30 EUR | seats a \\| b |\n\nAsk us anything.',
    chunks: 6,
  });
});

after(async () => {
  await env?.stop();
});

/**
 * A fresh browser context (its own storage) with a page that records dialogs and errors.
 * @param {{viewport?: {width: number, height: number}, init?: () => void, initArg?: unknown}} [options]
 */
async function newPage({ viewport = DESKTOP, init, initArg } = {}) {
  const context = await env.browser.newContext({ viewport, reducedMotion: 'reduce' });
  context.setDefaultTimeout(15_000);
  if (init) await context.addInitScript(init, initArg);
  const page = await context.newPage();
  const dialogs = [];
  const errors = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    d.dismiss().catch(() => {});
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  return { context, page, dialogs, errors };
}

const widget = (page, selector) => page.locator(`yuno-chat ${selector}`);

/** Waits for the launcher, opens the panel. */
async function open(page) {
  await widget(page, '.launcher').waitFor({ state: 'visible', timeout: 15_000 });
  if (await widget(page, '.panel').isHidden()) await widget(page, '.launcher').click();
  await widget(page, '.panel').waitFor({ state: 'visible' });
}

/** Sends a question and waits until the widget is ready for the next one. */
async function ask(page, question) {
  const bots = await widget(page, '.msg.bot').count();
  await widget(page, '#q').fill(question);
  await widget(page, '#q').press('Enter');
  await page.waitForFunction(
    (n) => {
      const root = document.querySelector('yuno-chat')?.shadowRoot;
      if (!root) return false;
      const done = !root.querySelector('.send')?.hasAttribute('disabled') && !root.querySelector('.typing');
      const status = root.querySelector('.status');
      return done && (root.querySelectorAll('.msg.bot').length > n || (status && !status.hidden));
    },
    bots,
    { timeout: 30_000 },
  );
}

/** A message's text as a sighted visitor reads it (without the screen reader's "You:" prefix). */
const shown = (locator) =>
  locator.evaluate((el) => {
    const copy = /** @type {HTMLElement} */ (el.cloneNode(true));
    copy.querySelectorAll('.sr').forEach((s) => s.remove());
    return (copy.textContent || '').trim();
  });

const lastAnswer = (page) => widget(page, '.msg.bot').last();
const statusText = async (page) =>
  (await widget(page, '.status').isVisible()) ? widget(page, '.status').innerText() : '';

/** A conversation as the widget stores it, for pages that should open with history. */
function storedConversation(siteId) {
  return {
    key: `yuno:conversation:${siteId}`,
    value: {
      session_id: 'stored-session-1',
      messages: [
        { role: 'user', content: 'Do you ship to Canada?' },
        {
          role: 'assistant',
          content:
            'Yes! We ship to **Canada** in 3 to 5 days.\n\n1. Choose *Express* at checkout\n2. Pay the `CA-SHIP` rate\n\nSee [shipping](https://example.com/shipping) for details.',
          sources: [
            { title: 'Shipping policy', url: 'https://example.com/shipping', score: 0.91 },
            { title: 'FAQ', url: 'https://example.com/faq', score: 0.7 },
          ],
        },
        { role: 'user', content: 'Great, thanks.' },
        { role: 'assistant', content: 'You are welcome. Anything else?' },
      ],
    },
  };
}

function seed({ key, value }) {
  if (!localStorage.getItem(key)) localStorage.setItem(key, JSON.stringify(value));
}

test(
  'the widget loads with each theme, authenticates, and reads well on desktop and phone',
  { timeout: 240_000 },
  async () => {
    const siteId = await env.api.createSite();
    for (const theme of THEMES) {
      const { context, page, errors } = await newPage({ init: seed, initArg: storedConversation(siteId) });
      const auth = page.waitForRequest((r) => r.url().endsWith('/widget/authenticate'));
      await page.goto(
        env.pages.add(env.backend.base, {
          site_id: siteId,
          theme,
          position: 'bottom-right',
          primary_color: '#FF6B35',
          welcome_message: `Hi from the ${theme} theme!`,
        }),
      );
      const body = (await auth).postDataJSON();
      assert.equal(body.site_id, siteId);
      assert.equal(body.domain, 'localhost');
      assert.match(body.nonce, /^[A-Za-z0-9_-]{32}$/);
      await widget(page, '.launcher').waitFor({ state: 'visible' });
      assert.equal(await page.locator('yuno-chat').getAttribute('theme'), theme);
      await page.screenshot({ path: path.join(RESULTS_DIR, `theme-${theme}-desktop-closed.png`) });
      await open(page);
      await widget(page, '.msg.user').first().waitFor();
      assert.equal(await shown(widget(page, '.msg.bot').first()), `Hi from the ${theme} theme!`);

      for (const [size, viewport] of [
        ['desktop', DESKTOP],
        ['phone', PHONE],
      ]) {
        await page.setViewportSize(viewport);
        await page.screenshot({ path: path.join(RESULTS_DIR, `theme-${theme}-${size}.png`) });
        const box = await widget(page, '.panel').boundingBox();
        assert.ok(box && box.x >= 0 && box.x + box.width <= viewport.width + 0.5, `the panel fits the ${size} screen`);
        if (size === 'phone') assert.equal(Math.round(box.width), PHONE.width);
        assert.equal(
          await page.evaluate(() => document.documentElement.scrollWidth),
          viewport.width,
          'no horizontal scrolling',
        );
      }

      // WCAG AA contrast for every kind of text the panel shows.
      const ratios = await page.evaluate(() => {
        const root = /** @type {ShadowRoot} */ (document.querySelector('yuno-chat')?.shadowRoot);
        const rgb = (c) => (c.match(/[\d.]+/g) || []).slice(0, 3).map(Number);
        const lum = (c) => {
          const [r, g, b] = rgb(c).map((v) => {
            const s = v / 255;
            return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
          });
          return 0.2126 * r + 0.7152 * g + 0.0722 * b;
        };
        const ratio = (a, b) => {
          const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
          return (x + 0.05) / (y + 0.05);
        };
        const style = (sel) => getComputedStyle(/** @type {Element} */ (root.querySelector(sel)));
        const pair = (fg, bg) => ratio(style(fg).color, style(bg).backgroundColor);
        return {
          'assistant text': pair('.msg.bot', '.msg.bot'),
          'visitor text': pair('.msg.user', '.msg.user'),
          'link in an answer': pair('.msg.bot a', '.msg.bot'),
          'header title': pair('header h2', 'header'),
          'panel text': pair('.panel', '.panel'),
          'input text': pair('#q', '#q'),
          placeholder: ratio(
            getComputedStyle(/** @type {Element} */ (root.querySelector('#q')), '::placeholder').color,
            style('#q').backgroundColor,
          ),
        };
      });
      for (const [what, r] of Object.entries(ratios))
        assert.ok(r >= 4.5, `${theme}: ${what} contrast ${r.toFixed(2)} < 4.5`);
      assert.deepEqual(errors, []);
      await context.close();
    }
  },
);

test(
  "the site's settings apply where the tag says nothing, and the tag wins where it speaks",
  { timeout: 90_000 },
  async () => {
    const siteId = await env.api.createSite({
      theme: 'green',
      custom_config: {
        position: 'bottom-left',
        primary_color: '#0B5FFF',
        welcome_message: 'Welcome from the site!',
        bot_name: 'Ada',
      },
    });
    const { context, page } = await newPage();
    await page.goto(env.pages.add(env.backend.base, { site_id: siteId }));
    await open(page);
    const host = page.locator('yuno-chat');
    assert.equal(await host.getAttribute('theme'), 'green');
    assert.equal(await host.getAttribute('position'), 'bottom-left');
    assert.equal(await shown(widget(page, '.msg.bot').first()), 'Welcome from the site!');
    assert.equal(await widget(page, 'header h2').innerText(), 'Ada');
    assert.equal(
      await widget(page, '.launcher').evaluate((el) => getComputedStyle(el).backgroundColor),
      'rgb(11, 95, 255)',
    );
    const launcher = await widget(page, '.launcher').boundingBox();
    assert.ok(launcher && launcher.x < 100, 'the launcher sits on the left');

    await page.goto(
      env.pages.add(env.backend.base, {
        site_id: siteId,
        theme: 'light',
        position: 'bottom-right',
        primary_color: '#aa0000',
        welcome_message: 'Hello from the tag',
      }),
    );
    await open(page);
    assert.equal(await host.getAttribute('theme'), 'light');
    assert.equal(await host.getAttribute('position'), 'bottom-right');
    assert.equal(await shown(widget(page, '.msg.bot').first()), 'Hello from the tag');
    assert.equal(
      await widget(page, '.launcher').evaluate((el) => getComputedStyle(el).backgroundColor),
      'rgb(170, 0, 0)',
    );
    await context.close();
  },
);

test(
  'keyboard only: Tab to the launcher, Enter opens with the input focused, Escape closes back to the launcher',
  { timeout: 90_000 },
  async () => {
    const siteId = await env.api.createSite();
    const { context, page } = await newPage();
    await page.goto(env.pages.add(env.backend.base, { site_id: siteId }));
    await widget(page, '.launcher').waitFor({ state: 'visible', timeout: 15_000 });
    const focused = () =>
      page.evaluate(() => {
        const host = document.activeElement;
        if (host?.tagName !== 'YUNO-CHAT') return host?.tagName || '';
        const inner = host.shadowRoot?.activeElement;
        return inner ? `${inner.tagName}.${inner.className}` : 'YUNO-CHAT';
      });
    for (let i = 0; i < 6 && (await focused()) !== 'BUTTON.launcher'; i++) await page.keyboard.press('Tab');
    assert.equal(await focused(), 'BUTTON.launcher');
    assert.equal(await widget(page, '.launcher').getAttribute('aria-expanded'), 'false');
    await page.keyboard.press('Enter');
    await widget(page, '.panel').waitFor({ state: 'visible' });
    assert.equal(await focused(), 'TEXTAREA.');
    assert.equal(await widget(page, '.launcher').getAttribute('aria-expanded'), 'true');
    // Labels and live region for assistive technology.
    assert.equal(await widget(page, '#q').getAttribute('id'), 'q');
    assert.match(await widget(page, 'label[for=q]').innerText(), /Message to/);
    assert.equal(await widget(page, '[aria-live=polite]').count(), 1);
    assert.equal(await widget(page, '.panel').getAttribute('role'), 'dialog');
    for (const name of ['New conversation', 'Close chat', 'Leave your contact details']) {
      assert.equal(await widget(page, `button[aria-label="${name}"]`).count(), 1, name);
    }
    // Tab reaches the header buttons too, and Escape from anywhere in the panel closes it.
    for (let i = 0; i < 3 && !/^BUTTON\.icon$/.test(await focused()); i++) await page.keyboard.press('Shift+Tab');
    assert.match(await focused(), /^BUTTON\.icon$/);
    await page.keyboard.press('Escape');
    await widget(page, '.panel').waitFor({ state: 'hidden' });
    assert.equal(await focused(), 'BUTTON.launcher');
    // The contact form is reachable by keyboard, and Escape there returns to the conversation.
    await page.keyboard.press('Enter');
    await widget(page, 'button[aria-label="Leave your contact details"]').focus();
    await page.keyboard.press('Enter');
    await widget(page, 'form.lead').waitFor({ state: 'visible' });
    assert.equal(await focused(), 'INPUT.');
    await page.keyboard.press('Escape');
    await widget(page, 'form.lead').waitFor({ state: 'hidden' });
    assert.equal(await focused(), 'TEXTAREA.');
    await context.close();
  },
);

test(
  'a disabled widget, an inactive plan or a domain the site does not allow show no launcher at all',
  { timeout: 90_000 },
  async () => {
    const disabled = await env.api.createSite();
    await env.api.patchSite(disabled, { widget_enabled: false });
    const inactive = await env.api.createSite();
    await env.api.patchSite(inactive, { plan_active: false });
    const elsewhere = await env.api.createSite({ domain: 'example.com' });
    for (const [siteId, code] of [
      [disabled, 'widget_disabled'],
      [inactive, 'plan_inactive'],
      [elsewhere, 'domain_not_allowed'],
    ]) {
      const { context, page, errors } = await newPage();
      const refused = page.waitForResponse(
        (r) => r.url().endsWith('/widget/authenticate') && r.request().method() === 'POST',
      );
      await page.goto(env.pages.add(env.backend.base, { site_id: siteId }));
      const res = await refused;
      assert.equal(res.status(), 403);
      assert.equal((await res.json()).code, code);
      await sleep(300);
      assert.equal(await page.locator('yuno-chat').getAttribute('hidden'), '', code);
      assert.equal(await widget(page, '.launcher').count(), 0, code);
      assert.deepEqual(errors, []);
      await context.close();
    }
  },
);

test('offline: the widget says so and keeps the question', { timeout: 90_000 }, async () => {
  const siteId = await env.api.createSite();
  const { context, page } = await newPage();
  await page.goto(env.pages.add(env.backend.base, { site_id: siteId }));
  await open(page);
  await context.setOffline(true);
  await widget(page, '.status').waitFor({ state: 'visible' });
  assert.match(await statusText(page), /offline/i);
  await widget(page, '#q').fill('Are you there?');
  await widget(page, '#q').press('Enter');
  assert.match(await statusText(page), /offline/i);
  assert.equal(await widget(page, '#q').inputValue(), 'Are you there?');
  assert.equal(await widget(page, '.msg.user').count(), 0);
  await context.setOffline(false);
  await widget(page, '.status').waitFor({ state: 'hidden' });
  await context.close();
});

test(
  'hostile server data (source titles, javascript: URLs, markup in tokens) is rendered as inert text',
  { timeout: 90_000 },
  async () => {
    const siteId = await env.api.createSite();
    const { context, page, dialogs, errors } = await newPage();
    const stream = [
      ': a comment line\r\n',
      'event: meta\r\ndata: {"session_id":"s1","message_id":"m1"}\r\n\r\n',
      'event: token\ndata: {"text":"<img src=x onerror=\\"alert(\'token\')\\"> "}\n\n',
      'event: token\ndata: {"text":"<svg onload=alert(1)></svg> [x](javascript:alert(2)) "}\n\n',
      'event: token\ndata: {"text":"<iframe src=\\"javascript:alert(3)\\"></iframe>"}\n\n',
      'event: sources\ndata: [{"title":"<img src=x onerror=alert(\'title\')>","url":"javascript:alert(\'url\')","score":0.9},',
      '{"title":"Data","url":"data:text/html,<script>alert(4)</script>","score":0.8},{"title":"Good","url":"https://example.com/good","score":0.7}]\n\n',
      'event: done\ndata: {"lead_captured":false,"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}\n\n',
    ].join('');
    await page.route('**/ask', async (route) => {
      if (route.request().method() !== 'POST') return route.fallback();
      await route.fulfill({
        status: 200,
        headers: {
          'Content-Type': 'text/event-stream',
          'Access-Control-Allow-Origin': `http://localhost:${env.pages.port}`,
        },
        body: stream,
      });
    });
    await page.goto(env.pages.add(env.backend.base, { site_id: siteId }));
    await open(page);
    await ask(page, 'Show me <b>bold</b> <img src=x onerror="alert(\'question\')"> <script>alert(9)</script>');
    await lastAnswer(page).locator('.sources').waitFor();
    await sleep(300);
    assert.deepEqual(dialogs, []);
    assert.deepEqual(errors, []);
    const injected = await page.evaluate(() => {
      const root = document.querySelector('yuno-chat')?.shadowRoot;
      const found = [...(root?.querySelectorAll('.log *') || [])].map((e) => e.tagName.toLowerCase());
      return found.filter(
        (t) => !['div', 'span', 'p', 'br', 'ul', 'ol', 'li', 'a', 'strong', 'em', 'code', 'pre'].includes(t),
      );
    });
    assert.deepEqual(injected, []);
    assert.equal(
      await page.evaluate(() => document.querySelectorAll('img, iframe, svg, script:not([src])').length),
      0,
      'nothing reached the host page either',
    );
    const question = widget(page, '.msg.user').last();
    assert.equal(await question.locator('b, img, script').count(), 0);
    assert.match(
      await question.innerText(),
      /Show me <b>bold<\/b> <img src=x onerror="alert\('question'\)"> <script>alert\(9\)<\/script>/,
    );
    const answer = lastAnswer(page);
    assert.match(await answer.innerText(), /<img src=x onerror="alert\('token'\)">/);
    assert.match(await answer.innerText(), /<svg onload=alert\(1\)><\/svg>/);
    assert.match(await answer.innerText(), /<iframe src="javascript:alert\(3\)"><\/iframe>/);
    // Only the https source is a link; the others are their titles as text.
    const links = await answer.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.deepEqual(links, ['https://example.com/good']);
    const sources = await answer.locator('.sources li').allInnerTexts();
    assert.deepEqual(sources, ["<img src=x onerror=alert('title')>", 'Data', 'Good']);
    await context.close();
  },
);

test(
  'an answer that the server ends with an error event keeps what arrived and says it was cut short',
  { timeout: 90_000 },
  async () => {
    const siteId = await env.api.createSite();
    const { context, page } = await newPage();
    await page.route('**/ask', async (route) => {
      if (route.request().method() !== 'POST') return route.fallback();
      await route.fulfill({
        status: 200,
        headers: {
          'Content-Type': 'text/event-stream',
          'Access-Control-Allow-Origin': `http://localhost:${env.pages.port}`,
        },
        body:
          'event:meta\ndata:{"session_id":"s2","message_id":"m2"}\n\nevent:token\ndata:{"text":"The first half of"}\n\n' +
          'event:token\ndata:{"text":" an answer"}\n\nevent:error\ndata:{"code":"upstream_unavailable","detail":"The model stopped."}\n\n',
      });
    });
    await page.goto(env.pages.add(env.backend.base, { site_id: siteId }));
    await open(page);
    await ask(page, 'Tell me everything');
    assert.equal(await shown(lastAnswer(page)), 'The first half of an answer');
    assert.match(await statusText(page), /cut short/);
    const stored = await page.evaluate(
      (k) => JSON.parse(localStorage.getItem(k) || '{}'),
      `yuno:conversation:${siteId}`,
    );
    assert.equal(stored.session_id, 's2');
    assert.deepEqual(
      stored.messages.map((m) => m.content),
      ['Tell me everything', 'The first half of an answer'],
    );
    await context.close();
  },
);

// ---- These need POST /ask (and, where said, documents, /widget/leads and the leads API). ----

test(
  'streams an answer with a typing indicator, rendered as it arrives as safe markdown',
  { timeout: 90_000 },
  async () => {
    const siteId = await env.api.createSite();
    const { context, page, dialogs } = await newPage();
    await page.goto(env.pages.add(env.backend.base, { site_id: siteId }));
    await open(page);
    const asked = page.waitForRequest((r) => r.url().endsWith('/ask') && r.method() === 'POST');
    await widget(page, '#q').fill('What are your opening hours?');
    await widget(page, '#q').press('Enter');
    const request = await asked;
    assert.equal(request.headers().accept, 'text/event-stream');
    assert.match(request.headers().authorization, /^Bearer .+/);
    const body = request.postDataJSON();
    assert.deepEqual(body.messages, [{ role: 'user', content: 'What are your opening hours?' }]);
    assert.match(body.session_id, /^[A-Za-z0-9_-]{1,64}$/);
    assert.match(body.page_url, /^http:\/\/localhost:\d+\//);
    await widget(page, '.typing').waitFor({ state: 'visible' });
    // Rendered as it arrives: some of the answer before all of it.
    await page.waitForFunction(
      () => {
        const bots = document.querySelector('yuno-chat')?.shadowRoot?.querySelectorAll('.msg.bot:not(.typing)');
        const text = bots && bots.length > 1 ? bots[bots.length - 1].textContent || '' : '';
        return text.includes('We are') && !text.includes('HOURS-42');
      },
      null,
      { timeout: 20_000 },
    );
    await lastAnswer(page).locator('code', { hasText: 'HOURS-42' }).waitFor({ timeout: 20_000 });
    await widget(page, '.send:not([disabled])').waitFor();
    const answer = lastAnswer(page);
    assert.equal(await answer.locator('strong').innerText(), '9 to 5');
    assert.equal(await answer.locator('em').innerText(), 'closed');
    assert.equal(await answer.locator(':scope > ul > li').count(), 2);
    assert.equal(
      await answer.locator('a', { hasText: 'our page' }).getAttribute('href'),
      'https://example.com/holidays',
    );
    assert.equal(
      await answer.locator('a', { hasText: 'our page' }).getAttribute('rel'),
      'noopener noreferrer nofollow ugc',
    );
    assert.match(await widget(page, '[aria-live=polite]').innerText(), /We are open 9 to 5/);
    assert.equal(await statusText(page), '');
    assert.deepEqual(dialogs, []);
    await context.close();
  },
);

// This one also needs the documents API (POST /api/sites/{id}/documents), for something to cite.
test(
  'a markdown table in an answer is a table, its cells as safe inline markdown, the same after a reload',
  { timeout: 90_000 },
  async () => {
    const siteId = await env.api.createSite();
    const { context, page, dialogs, errors } = await newPage();
    await page.goto(env.pages.add(env.backend.base, { site_id: siteId }));
    await open(page);
    await ask(page, 'Can I see your price table?');
    for (const reloaded of [false, true]) {
      if (reloaded) {
        await page.reload();
        await open(page);
      }
      const table = lastAnswer(page).locator('table');
      await table.waitFor();
      assert.deepEqual(await table.locator('th').allInnerTexts(), ['Plan', 'Price', 'Notes']);
      assert.equal(await table.locator('tbody tr').count(), 3);
      assert.equal(await table.locator('tbody tr').last().locator('td').last().innerText(), 'seats a | b');
      assert.equal(await table.locator('tbody tr').first().locator('td strong').innerText(), '10 EUR');
      assert.equal(
        await table.locator('tbody tr').first().locator('td').last().innerText(),
        '<img src=x onerror="alert(\'cell\')">',
      );
      assert.equal(await table.locator('a').getAttribute('href'), 'https://example.com/pro');
      assert.equal(await widget(page, '.log').locator('img').count(), 0);
      assert.match(await lastAnswer(page).innerText(), /Ask us anything\./);
    }
    assert.deepEqual(dialogs, []);
    assert.deepEqual(errors, []);
    await context.close();
  },
);

test('shows the sources of an answer as links', { timeout: 90_000 }, async () => {
  const siteId = await env.api.createSite();
  await env.api.addDocument(siteId, {
    title: 'Opening hours',
    url: 'https://example.com/hours',
    content: 'Our opening hours are 9 to 5, Monday to Friday. We are closed at weekends and on holidays.',
  });
  const { context, page } = await newPage();
  await page.goto(env.pages.add(env.backend.base, { site_id: siteId }));
  await open(page);
  await ask(page, 'What are your opening hours?');
  const source = lastAnswer(page).locator('.sources a');
  await source.first().waitFor();
  assert.equal(await source.first().innerText(), 'Opening hours');
  assert.equal(await source.first().getAttribute('href'), 'https://example.com/hours');
  assert.equal(await source.first().getAttribute('target'), '_blank');
  // After a reload the sources come back from the stored conversation.
  await page.reload();
  await widget(page, '.panel').waitFor({ state: 'visible' });
  assert.equal(await lastAnswer(page).locator('.sources a').first().getAttribute('href'), 'https://example.com/hours');
  await context.close();
});

test(
  'the conversation survives a reload, rendered exactly as it streamed, and "new conversation" starts afresh',
  { timeout: 90_000 },
  async () => {
    const siteId = await env.api.createSite();
    const { context, page } = await newPage();
    const url = env.pages.add(env.backend.base, { site_id: siteId });
    await page.goto(url);
    await open(page);
    await ask(page, 'What are your opening hours?');
    await ask(page, 'And on Sundays?');
    const streamed = await widget(page, '.log').evaluate((el) => el.innerHTML);
    const sessionId = await page.evaluate(
      (k) => JSON.parse(localStorage.getItem(k) || '{}').session_id,
      `yuno:conversation:${siteId}`,
    );
    assert.match(sessionId, /^[A-Za-z0-9_-]+$/);

    await page.reload();
    await widget(page, '.panel').waitFor({ state: 'visible', timeout: 15_000 }); // it was open: it stays open
    assert.equal(await widget(page, '.msg.user').count(), 2);
    assert.equal(
      await widget(page, '.log').evaluate((el) => el.innerHTML),
      streamed,
      'history renders as streaming did',
    );
    // The next question carries the history and the same session.
    const asked = page.waitForRequest((r) => r.url().endsWith('/ask') && r.method() === 'POST');
    await ask(page, 'Thanks!');
    const body = (await asked).postDataJSON();
    assert.equal(body.session_id, sessionId);
    assert.equal(body.messages.length, 5);
    assert.deepEqual(
      body.messages.map((m) => m.role),
      ['user', 'assistant', 'user', 'assistant', 'user'],
    );

    await widget(page, 'button[aria-label="New conversation"]').click();
    assert.equal(await widget(page, '.msg').count(), 1, 'only the welcome message');
    await page.reload();
    await open(page);
    assert.equal(await widget(page, '.msg').count(), 1);
    const fresh = await page.evaluate(
      (k) => JSON.parse(localStorage.getItem(k) || '{}').session_id,
      `yuno:conversation:${siteId}`,
    );
    assert.notEqual(fresh, sessionId);
    await context.close();
  },
);

test(
  'recovers from an expired token and from a corrupt one without the visitor noticing',
  { timeout: 90_000 },
  async () => {
    const siteId = await env.api.createSite();
    const { context, page } = await newPage();
    await page.goto(env.pages.add(env.backend.base, { site_id: siteId }));
    await open(page);
    const calls = [];
    page.on('response', (r) => {
      if (r.request().method() === 'POST' && /\/(ask|widget\/\w+)$/.test(r.url()))
        calls.push(`${new URL(r.url()).pathname} ${r.status()}`);
    });
    const plant = (token) =>
      page.evaluate(
        ([key, t]) => {
          // The widget keeps its token for the page session; plant one it believes in, and load it.
          sessionStorage.setItem(key, JSON.stringify({ token: t, exp: Date.now() + 3_600_000, widget: {} }));
        },
        [`yuno:token:${siteId}`, token],
      );

    // Expired a minute ago (beyond the server's clock skew), within the refresh grace.
    await plant(mintToken(siteId, { expiresInSeconds: -60, issuedSecondsAgo: 3660 }));
    await page.reload();
    await open(page);
    calls.length = 0;
    await ask(page, 'First question after expiry');
    assert.equal(await statusText(page), '');
    assert.match(await lastAnswer(page).innerText(), /Thanks for your question/);
    assert.deepEqual(calls, ['/ask 401', '/widget/refresh 200', '/ask 200']);

    // Corrupt: refresh is refused too, so the widget authenticates afresh.
    await plant('not.a.token');
    await page.reload();
    await open(page);
    calls.length = 0;
    await ask(page, 'Second question with a bad token');
    assert.equal(await statusText(page), '');
    assert.match(await lastAnswer(page).innerText(), /Thanks for your question/);
    assert.deepEqual(calls, ['/ask 401', '/widget/refresh 401', '/widget/authenticate 200', '/ask 200']);
    await context.close();
  },
);

test('refreshes its token before it expires, on load and while the page stays open', { timeout: 90_000 }, async () => {
  const siteId = await env.api.createSite();
  const { context, page } = await newPage();
  const url = env.pages.add(env.backend.base, { site_id: siteId });
  await page.goto(url);
  await widget(page, '.launcher').waitFor({ state: 'visible' });
  const key = `yuno:token:${siteId}`;
  const plant = (seconds) =>
    page.evaluate(
      ([k, token, s]) => {
        sessionStorage.setItem(k, JSON.stringify({ token, exp: Date.now() + s * 1000, widget: {} }));
      },
      [key, mintToken(siteId, { expiresInSeconds: seconds }), seconds],
    );
  const calls = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && /\/widget\/\w+$/.test(r.url())) calls.push(new URL(r.url()).pathname);
  });

  // 20 seconds left at load: refreshed at once, not authenticated afresh.
  await plant(20);
  const refreshed = page.waitForResponse((r) => r.url().endsWith('/widget/refresh') && r.request().method() === 'POST');
  await page.reload();
  assert.equal((await refreshed).status(), 200);
  await widget(page, '.launcher').waitFor({ state: 'visible' });
  assert.deepEqual(calls, ['/widget/refresh']);
  const renewed = await page.evaluate((k) => JSON.parse(sessionStorage.getItem(k) || '{}'), key);
  assert.ok(renewed.exp > Date.now() + 30 * 60_000, 'a fresh token for the rest of the session');

  // 35 seconds left while the page is open: refreshed about 5 seconds later, without any question.
  calls.length = 0;
  await plant(35);
  await page.reload();
  await page.waitForResponse((r) => r.url().endsWith('/widget/refresh') && r.request().method() === 'POST', {
    timeout: 20_000,
  });
  assert.deepEqual(calls, ['/widget/refresh']);
  await context.close();
});

test('a 429 says when to try again, and keeps the question', { timeout: 90_000 }, async () => {
  const siteId = await env.api.createSite({ plan_type: 'free' });
  const { context, page } = await newPage();
  await page.goto(env.pages.add(env.backend.base, { site_id: siteId }));
  await open(page);
  let limited = null;
  page.on('response', (r) => {
    if (r.url().endsWith('/ask') && r.status() === 429) limited = r;
  });
  // The minute window is a calendar minute: allow for one roll-over.
  for (let i = 0; i < 2 * FREE_PER_MINUTE + 1 && !limited; i++) await ask(page, `Question number ${i + 1}`);
  assert.ok(limited, 'the plan limit was reached');
  const retryAfter = Number(limited.headers()['retry-after']);
  assert.ok(retryAfter > 0);
  assert.match(await statusText(page), /try again in \d+ seconds?/);
  assert.match(await widget(page, '#q').inputValue(), /^Question number \d+$/);
  await context.close();
});

test('a model outage shows a friendly 503 state', { timeout: 90_000 }, async () => {
  const siteId = await env.api.createSite();
  const { context, page } = await newPage();
  await page.goto(env.pages.add(env.backend.base, { site_id: siteId }));
  await open(page);
  const res = page.waitForResponse((r) => r.url().endsWith('/ask') && r.request().method() === 'POST', {
    timeout: 60_000,
  });
  await widget(page, '#q').fill('Is the model-down?');
  await widget(page, '#q').press('Enter');
  await res;
  await widget(page, '.status').waitFor({ state: 'visible', timeout: 60_000 });
  assert.match(await statusText(page), /not available right now/);
  assert.equal(await widget(page, '#q').inputValue(), 'Is the model-down?');
  await context.close();
});

test('XSS in the question and in the streamed answer stays inert text', { timeout: 90_000 }, async () => {
  const siteId = await env.api.createSite();
  const { context, page, dialogs, errors } = await newPage();
  await page.goto(env.pages.add(env.backend.base, { site_id: siteId }));
  await open(page);
  const question = 'xss-answer <img src=x onerror="alert(\'q\')"> <script>alert("q")</script>';
  await ask(page, question);
  const answer = lastAnswer(page);
  await answer.waitFor();
  await sleep(300);
  assert.deepEqual(dialogs, []);
  assert.deepEqual(errors, []);
  assert.equal(await widget(page, '.log').locator('img, script, b, iframe').count(), 0);
  assert.equal(await shown(widget(page, '.msg.user').last()), question);
  const text = await answer.innerText();
  assert.match(text, /<img src=x onerror="alert\('answer'\)">/);
  assert.match(text, /<script>alert\("answer"\)<\/script>/);
  assert.match(text, /<a href="javascript:alert\(2\)">raw link<\/a>/);
  assert.equal(await answer.locator('a').count(), 0, 'no javascript: link');
  assert.equal(await answer.locator('strong').innerText(), '<b>bold</b>');
  // The same after a reload, through the history path.
  await page.reload();
  await open(page);
  await sleep(300);
  assert.deepEqual(dialogs, []);
  assert.equal(await widget(page, '.log').locator('img, script, b, iframe').count(), 0);
  assert.match(await lastAnswer(page).innerText(), /<img src=x onerror="alert\('answer'\)">/);
  await context.close();
});

test(
  'control characters a visitor pastes are left out of the question and the lead, which the server then accepts',
  { timeout: 90_000 },
  async () => {
    const siteId = await env.api.createSite();
    const { context, page } = await newPage();
    await page.goto(env.pages.add(env.backend.base, { site_id: siteId }));
    await open(page);
    const asked = page.waitForResponse((r) => r.url().endsWith('/ask') && r.request().method() === 'POST');
    // fill() types what a paste would: a NUL, a bell and an escape among the words, a tab kept.
    const pasted = 'Do you\u0000 ship\u0007 to\tCanada?\u001b';
    await widget(page, '#q').fill(pasted);
    assert.equal(
      await widget(page, '#q').inputValue(),
      pasted,
      'the browser keeps them: the widget must leave them out',
    );
    await ask(page, pasted);
    const res = await asked;
    assert.equal(res.status(), 200);
    const sent = res.request().postDataJSON();
    assert.equal(sent.messages.at(-1).content, 'Do you ship to\tCanada?');

    await ask(page, 'Can someone call me back?');
    await lastAnswer(page).locator('button.offer').click();
    await widget(page, 'form.lead').waitFor({ state: 'visible' });
    await widget(page, 'form.lead [name=name]').fill('Ada\u0000 Lovelace');
    await widget(page, 'form.lead [name=email]').fill(`ada+${Date.now()}@example.com`);
    await widget(page, 'form.lead [name=message]').fill('Call\u0001 me');
    const lead = page.waitForResponse((r) => r.url().endsWith('/widget/leads') && r.request().method() === 'POST');
    await widget(page, 'form.lead [type=submit]').click();
    const leadRes = await lead;
    assert.equal(leadRes.status(), 201);
    assert.equal(leadRes.request().postDataJSON().name, 'Ada Lovelace');
    assert.equal(leadRes.request().postDataJSON().message, 'Call me');
    await context.close();
  },
);

test("keeps to the server's limit on a message, which comes with the token", { timeout: 90_000 }, async () => {
  const siteId = await env.api.createSite();
  const { context, page, errors } = await newPage();
  // The server's own answer, with the limit an operator could set (yuno.chat.max-message-chars=40).
  /** @type {any} */
  let served = null;
  await page.route('**/widget/authenticate', async (route) => {
    const response = await route.fetch();
    served = await response.json();
    const body = {
      ...served,
      widget: { ...served.widget, limits: { ...served.widget.limits, max_message_chars: 40 } },
    };
    const headers = { ...response.headers() };
    delete headers['content-length'];
    await route.fulfill({ status: response.status(), headers, body: JSON.stringify(body) });
  });
  await page.goto(env.pages.add(env.backend.base, { site_id: siteId }));
  await open(page);
  assert.equal(served?.widget?.limits?.max_message_chars, 4000, 'the backend serves its limit (application.yaml)');
  assert.equal(await widget(page, '#q').getAttribute('maxlength'), '40');
  const asked = page.waitForResponse((r) => r.url().endsWith('/ask') && r.request().method() === 'POST');
  // fill() sets the value as a script would, past maxlength: the widget cuts the question itself.
  const question = `What are your opening hours? ${'Please tell me. '.repeat(10)}`;
  await ask(page, question);
  const res = await asked;
  assert.equal(res.status(), 200);
  const sent = res.request().postDataJSON();
  assert.equal(sent.messages.at(-1).content, question.slice(0, 40));
  assert.equal(await shown(widget(page, '.msg.user').last()), question.slice(0, 40).trim());
  assert.deepEqual(errors, []);
  await context.close();
});

test(
  'offers the contact form when the assistant asks for details, validates it, and the owner API lists the lead',
  { timeout: 90_000 },
  async () => {
    const siteId = await env.api.createSite();
    const { context, page } = await newPage();
    await page.goto(env.pages.add(env.backend.base, { site_id: siteId }));
    await open(page);
    await ask(page, 'Can someone call me back?');
    const offer = lastAnswer(page).locator('button.offer');
    await offer.waitFor();
    await offer.click();
    await widget(page, 'form.lead').waitFor({ state: 'visible' });
    const form = (name) => widget(page, `form.lead [name=${name}]`);
    // Validated in the page: nothing is sent until it makes sense.
    let posted = 0;
    page.on('request', (r) => {
      if (r.url().endsWith('/widget/leads') && r.method() === 'POST') posted++;
    });
    await form('name').fill('Ada Lovelace');
    await widget(page, 'form.lead [type=submit]').click();
    assert.match(await widget(page, '#lead-err').innerText(), /email address or a phone number/);
    await form('email').fill('ada@invalid');
    await widget(page, 'form.lead [type=submit]').click();
    assert.match(await widget(page, '#lead-err').innerText(), /check the email/);
    await page.screenshot({ path: path.join(RESULTS_DIR, 'lead-form.png') });
    assert.equal(await form('email').getAttribute('aria-invalid'), 'true');
    await form('phone').fill('12');
    await form('email').fill('');
    await widget(page, 'form.lead [type=submit]').click();
    assert.match(await widget(page, '#lead-err').innerText(), /check the phone/);
    assert.equal(posted, 0);

    const email = `ada+${Date.now()}@example.com`;
    await form('email').fill(email);
    await form('phone').fill('+1 650 253 0000');
    await form('message').fill('Please call after 3pm.');
    const sent = page.waitForResponse((r) => r.url().endsWith('/widget/leads') && r.request().method() === 'POST');
    await widget(page, 'form.lead [type=submit]').click();
    const res = await sent;
    assert.equal(res.status(), 201);
    const request = res.request().postDataJSON();
    const conversation = await page.evaluate(
      (k) => JSON.parse(localStorage.getItem(k) || '{}'),
      `yuno:conversation:${siteId}`,
    );
    assert.equal(request.session_id, conversation.session_id);
    await widget(page, 'form.lead').waitFor({ state: 'hidden' });
    await widget(page, '.msg.note').waitFor();
    assert.equal(await widget(page, 'button.offer').count(), 0, 'not offered again');

    const leads = await env.api.call('GET', `/api/sites/${siteId}/leads`);
    assert.equal(leads.status, 200, leads.text);
    assert.ok(leads.text.includes(email), leads.text);
    assert.ok(leads.text.includes('Ada Lovelace'), leads.text);
    await context.close();
  },
);

test(
  'the demo page embeds the widget on the demo site and works under its strict Content-Security-Policy',
  { timeout: 90_000 },
  async () => {
    const demoUrl = `http://localhost:${env.backend.port}/demo`;
    let html = await (await fetch(demoUrl)).text();
    if (!/site_id="[A-Za-z0-9]{16}"/.test(html)) {
      await env.api.createSite(); // a site for localhost: the demo page's site
      html = await (await fetch(demoUrl)).text();
    }
    const siteId = /** @type {RegExpExecArray} */ (
      /<script src="\/yuno.js" site_id="([A-Za-z0-9]{16})"><\/script>/.exec(html)
    )[1];
    // Earlier tests may have switched that site off; the demo is about a working one.
    await env.api.patchSite(siteId, { widget_enabled: true, plan_active: true });
    const { context, page, errors } = await newPage({
      init: () => {
        window.__violations = [];
        document.addEventListener('securitypolicyviolation', (e) =>
          window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`),
        );
      },
    });
    const response = await page.goto(demoUrl);
    assert.match(response?.headers()['content-security-policy'] || '', /script-src 'self'; connect-src 'self'/);
    await open(page);
    await ask(page, 'Hello from the demo page');
    assert.equal(await statusText(page), '');
    assert.match(await shown(lastAnswer(page)), /Thanks for your question/);
    assert.deepEqual(await page.evaluate(() => window.__violations), []);
    assert.deepEqual(errors, []);
    await page.screenshot({ path: path.join(RESULTS_DIR, 'demo.png') });
    await context.close();
  },
);
