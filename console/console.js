// @ts-check
// The owner console: a page per hash route (#/sites/<id>/<page>), each built from the API's answers
// with the key of the session. Nothing here parses HTML: see dom.js.
import { ApiError, call, session } from './api.js';
import { checkbox, field, h, safeLink, size, table, uid, when } from './dom.js';
import { barChart, hbars, meters } from './charts.js';
import './preview.js';

const main = /** @type {HTMLElement} */ (document.getElementById('main'));
const nav = /** @type {HTMLElement} */ (document.getElementById('nav'));
const who = /** @type {HTMLElement} */ (document.getElementById('who'));
const notice = /** @type {HTMLElement} */ (document.getElementById('notice'));

const THEMES = ['dark', 'light', 'blue', 'green'];
const POSITIONS = ['bottom-right', 'bottom-left', 'top-right', 'top-left'];
const PAGES = [
  ['install', 'Install'],
  ['settings', 'Settings'],
  ['knowledge', 'Knowledge'],
  ['conversations', 'Conversations'],
  ['leads', 'Leads'],
  ['usage', 'Usage & insights'],
];
const SIGN_IN_NOTICES = {
  'signed-out': 'You are signed out. The key was forgotten by this browser tab.',
  expired: 'Your session expired. Sign in again with your key.',
  rejected: 'Your key is no longer accepted (it may have been rotated). Sign in again with the current key.',
};

/** Timers of the page on screen (a crawl's polling), stopped when another page is shown. */
/** @type {ReturnType<typeof setInterval>[]} */
let timers = [];
let renderId = 0;

/** @param {string} text @param {'ok' | 'error' | ''} [kind] */
function say(text, kind = '') {
  notice.replaceChildren(text ? h('p', { class: kind }, text) : '');
}

/**
 * The API with the session's key; a 401 ends the session at once.
 * @param {string} method @param {string} path @param {Parameters<typeof call>[3]} [options]
 */
async function api(method, path, options) {
  const current = session.current();
  if (!current) {
    route();
    throw new ApiError(401, 'unauthorized', 'Sign in first.');
  }
  try {
    const result = await call(current.key, method, path, options);
    session.touch();
    return result;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      session.forget('rejected');
      route();
    }
    throw e;
  }
}

/** @param {string} siteId */
const sitePath = (siteId) => `/api/sites/${encodeURIComponent(siteId)}`;

/** A message for a failed call, as a paragraph for the page. @param {unknown} e */
function failure(e) {
  if (e instanceof ApiError && e.code === 'site_not_found') {
    return h(
      'p',
      { class: 'message error', role: 'alert' },
      'This site does not exist, or your key does not reach it. An owner key reaches its own site only.',
    );
  }
  const text = e instanceof ApiError ? e.detail : 'Something went wrong.';
  return h('p', { class: 'message error', role: 'alert' }, text);
}

// ---- routing -----------------------------------------------------------------------------------

function parse() {
  const [path, query = ''] = location.hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { parts, query: new URLSearchParams(query) };
}

async function route() {
  for (const t of timers) clearInterval(t);
  timers = [];
  const id = ++renderId;
  const current = session.current();
  const { parts, query } = parse();
  renderWho(current);
  if (!current) {
    nav.replaceChildren();
    show(signIn(session.takeNotice()));
    return;
  }
  if (parts[0] !== 'sites') {
    location.replace(
      current.role === 'operator' ? '#/sites' : `#/sites/${encodeURIComponent(current.siteId || '')}/install`,
    );
    return;
  }
  const siteId = parts[1];
  if (!siteId) {
    nav.replaceChildren();
    await render(id, () => sitesPage(current));
    return;
  }
  const page = parts[2] || 'install';
  renderNav(siteId, page);
  const pages = {
    install: () => installPage(siteId),
    settings: () => settingsPage(siteId),
    knowledge: () => knowledgePage(siteId, query),
    conversations: () => (parts[3] ? conversationPage(siteId, parts[3]) : conversationsPage(siteId, query)),
    leads: () => leadsPage(siteId),
    usage: () => usagePage(siteId),
  };
  const build = pages[/** @type {keyof typeof pages} */ (page)];
  await render(id, build || (async () => h('p', { class: 'message error' }, 'No such page.')));
}

/**
 * Shows a page once it is built, unless another route started meanwhile.
 * @param {number} id @param {() => Promise<HTMLElement>} build
 */
async function render(id, build) {
  main.replaceChildren(h('p', { class: 'hint' }, 'Loading…'));
  let page;
  try {
    page = await build();
  } catch (e) {
    page = h('div', {}, h('h1', {}, 'Not available'), failure(e));
  }
  if (id === renderId) show(page);
}

/** @param {HTMLElement} page */
function show(page) {
  main.replaceChildren(page);
  const heading = main.querySelector('h1');
  if (heading) document.title = `${heading.textContent} · Yuno console`;
}

/** @param {import('./api.js').Session | null} current */
function renderWho(current) {
  if (!current) {
    who.replaceChildren();
    return;
  }
  const label = current.role === 'operator' ? 'Operator' : `Owner of ${current.siteId}`;
  who.replaceChildren(
    current.role === 'operator' ? h('a', { href: '#/sites', class: 'brand' }, 'All sites') : '',
    h('span', {}, label),
    h(
      'button',
      {
        type: 'button',
        class: 'secondary',
        onclick: () => {
          session.forget('signed-out');
          say('');
          navigate('#/');
        },
      },
      'Sign out',
    ),
  );
}

/** @param {string} siteId @param {string} page */
function renderNav(siteId, page) {
  nav.replaceChildren(
    h(
      'ul',
      {},
      ...PAGES.map(([slug, label]) =>
        h(
          'li',
          {},
          h(
            'a',
            { href: `#/sites/${encodeURIComponent(siteId)}/${slug}`, 'aria-current': slug === page ? 'page' : null },
            label,
          ),
        ),
      ),
    ),
  );
}

/** @type {{text: string, kind: 'ok' | 'error'} | null} what the next page should say */
let flash = null;

/** Shows a route: through hashchange when the hash changes, at once when it stays. @param {string} hash */
function navigate(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

window.addEventListener('hashchange', () => {
  // A notice outlives only the one navigation it was made for.
  say(flash ? flash.text : '', flash ? flash.kind : '');
  flash = null;
  route().then(() => main.focus({ preventScroll: true }));
});

// ---- sign-in -----------------------------------------------------------------------------------

/** @param {string | null} reason */
function signIn(reason) {
  const input = /** @type {HTMLInputElement} */ (
    h('input', { type: 'password', name: 'key', autocomplete: 'off', spellcheck: 'false', required: true })
  );
  const error = h('div', { 'aria-live': 'assertive' });
  const button = h('button', { type: 'submit' }, 'Sign in');
  const form = h(
    'form',
    {
      class: 'card',
      onsubmit: async (/** @type {Event} */ e) => {
        e.preventDefault();
        const key = input.value.trim();
        if (!key) return;
        button.setAttribute('disabled', '');
        error.replaceChildren();
        try {
          const me = await call(key, 'GET', '/api/key');
          session.start({ key, role: me.role === 'operator' ? 'operator' : 'owner', siteId: me.site_id || null });
          navigate(me.role === 'operator' ? '#/sites' : `#/sites/${encodeURIComponent(me.site_id)}/install`);
        } catch (err) {
          error.replaceChildren(
            err instanceof ApiError && err.status === 401
              ? h(
                  'p',
                  { class: 'message error', role: 'alert' },
                  'That key was not accepted. Paste the whole key (owner keys start with ysk_); a rotated key stops working.',
                )
              : failure(err),
          );
        } finally {
          button.removeAttribute('disabled');
        }
      },
    },
    field(
      'Owner key or operator key',
      input,
      'The owner key (ysk_…) was shown once when your site was created. It stays in this browser tab only, until you sign out or close it.',
    ),
    h('div', { class: 'actions' }, button),
    error,
  );
  const text = reason && SIGN_IN_NOTICES[/** @type {keyof typeof SIGN_IN_NOTICES} */ (reason)];
  return h(
    'div',
    { class: 'signin' },
    h('h1', {}, 'Sign in'),
    text ? h('p', { class: 'message', role: 'status' }, text) : '',
    form,
  );
}

// ---- operator: sites ---------------------------------------------------------------------------

/** @param {import('./api.js').Session} current */
async function sitesPage(current) {
  if (current.role !== 'operator') {
    location.replace(`#/sites/${encodeURIComponent(current.siteId || '')}/install`);
    return h('p', {}, 'Opening your site…');
  }
  const list = await api('GET', '/api/sites?size=100');
  const domain = /** @type {HTMLInputElement} */ (
    h('input', { type: 'text', name: 'domain', required: true, placeholder: 'example.com' })
  );
  const plan = /** @type {HTMLSelectElement} */ (
    h('select', { name: 'plan' }, ...['free', 'basic', 'pro', 'enterprise'].map((p) => h('option', { value: p }, p)))
  );
  const created = h('div', { 'aria-live': 'polite' });
  const form = h(
    'form',
    {
      class: 'card',
      onsubmit: async (/** @type {Event} */ e) => {
        e.preventDefault();
        try {
          const site = await api('POST', '/api/sites', {
            json: { domain: domain.value.trim(), plan_type: plan.value },
          });
          created.replaceChildren(
            h('p', { class: 'message' }, `Site ${site.site_id} created. Its owner key, shown this once:`),
            h('p', { class: 'secret' }, site.owner_key),
            h('a', { class: 'button', href: `#/sites/${encodeURIComponent(site.site_id)}/install` }, 'Open the site'),
          );
        } catch (err) {
          created.replaceChildren(failure(err));
        }
      },
    },
    h('h2', {}, 'Create a site'),
    field('Domain', domain, 'The website the widget goes on, such as example.com.'),
    field('Plan', plan),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Create site')),
    created,
  );
  const rows = list.items.map((/** @type {any} */ site) =>
    h(
      'tr',
      {},
      h('td', {}, h('a', { href: `#/sites/${encodeURIComponent(site.site_id)}/install` }, site.site_id)),
      h('td', {}, site.domain),
      h('td', {}, site.plan_type),
      h('td', {}, site.plan_active ? 'active' : 'inactive'),
      h('td', {}, when(site.created_at)),
    ),
  );
  return h(
    'div',
    {},
    h('h1', {}, 'All sites'),
    form,
    h(
      'section',
      { class: 'card' },
      h('h2', {}, `Sites (${list.total})`),
      rows.length
        ? table('All sites', ['Site', 'Domain', 'Plan', 'Plan state', 'Created'], rows)
        : h('p', {}, 'No sites yet.'),
    ),
  );
}

// ---- install and the widget's look -------------------------------------------------------------

/** @param {any} site */
function snippet(site) {
  const c = site.custom_config;
  const attr = (/** @type {string} */ v) =>
    String(v).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return (
    `<script src="${location.origin}/yuno.js" site_id="${attr(site.site_id)}" theme="${attr(site.theme)}"\n` +
    `        position="${attr(c.position)}" primary_color="${attr(c.primary_color)}"\n` +
    `        welcome_message="${attr(c.welcome_message)}"></script>`
  );
}

/**
 * The widget's look as a form, calling onchange with the values as they are edited.
 * @param {any} site @param {(look: {theme: string, position: string, color: string, welcome: string, bot: string}) => void} onchange
 */
function lookForm(site, onchange) {
  const c = site.custom_config;
  const theme = /** @type {HTMLSelectElement} */ (
    h('select', { name: 'theme' }, ...THEMES.map((t) => h('option', { value: t }, t)))
  );
  theme.value = site.theme;
  const position = /** @type {HTMLSelectElement} */ (
    h('select', { name: 'position' }, ...POSITIONS.map((p) => h('option', { value: p }, p.replace('-', ' '))))
  );
  position.value = c.position;
  const color = /** @type {HTMLInputElement} */ (
    h('input', { type: 'color', name: 'primary_color', value: c.primary_color.toLowerCase() })
  );
  const colorText = /** @type {HTMLInputElement} */ (
    h('input', {
      type: 'text',
      name: 'primary_color_text',
      value: c.primary_color,
      pattern: '#[0-9A-Fa-f]{6}',
      'aria-label': 'Colour as #RRGGBB',
    })
  );
  const welcome = /** @type {HTMLTextAreaElement} */ (
    h('textarea', { name: 'welcome_message', maxlength: 500, rows: 2 })
  );
  welcome.value = c.welcome_message;
  const bot = /** @type {HTMLInputElement} */ (
    h('input', { type: 'text', name: 'bot_name', maxlength: 60, value: c.bot_name })
  );
  const values = () => ({
    theme: theme.value,
    position: position.value,
    color: color.value,
    welcome: welcome.value,
    bot: bot.value,
  });
  const changed = () => onchange(values());
  color.addEventListener('input', () => {
    colorText.value = color.value;
    changed();
  });
  colorText.addEventListener('input', () => {
    if (/^#[0-9A-Fa-f]{6}$/.test(colorText.value)) {
      color.value = colorText.value.toLowerCase();
      changed();
    }
  });
  for (const control of [theme, position, welcome, bot]) control.addEventListener('input', changed);
  const status = h('div', { 'aria-live': 'polite' });
  const form = h(
    'form',
    {
      class: 'card',
      onsubmit: async (/** @type {Event} */ e) => {
        e.preventDefault();
        const v = values();
        try {
          const updated = await api('PATCH', sitePath(site.site_id), {
            json: {
              theme: v.theme,
              custom_config: {
                position: v.position,
                primary_color: v.color,
                welcome_message: v.welcome,
                bot_name: v.bot,
              },
            },
          });
          Object.assign(site, updated.site || updated);
          status.replaceChildren(
            h('p', { class: 'message' }, 'Saved. Pages with the widget show the new look on their next load.'),
          );
          form.dispatchEvent(new CustomEvent('saved'));
        } catch (err) {
          status.replaceChildren(failure(err));
        }
      },
    },
    h('h2', {}, 'Widget look'),
    field('Theme', theme),
    field('Position', position),
    h('label', { for: (color.id = uid('colour')) }, 'Colour'),
    h('div', { class: 'row' }, color, colorText),
    field('Welcome message', welcome),
    field('Bot name', bot, 'Shown at the top of the chat.'),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Save look')),
    status,
  );
  return { form, values };
}

/** @param {string} siteId */
async function installPage(siteId) {
  const site = await api('GET', sitePath(siteId));
  const code = h('code', {}, snippet(site));
  const copied = h('span', { 'aria-live': 'polite', class: 'hint' });
  const preview = /** @type {any} */ (h('yuno-preview'));
  const apply = (/** @type {any} */ v) => {
    preview.setAttribute('theme', v.theme);
    preview.setAttribute('position', v.position);
    preview.setAttribute('primary-color', v.color);
    preview.setAttribute('welcome', v.welcome);
    preview.setAttribute('bot-name', v.bot);
  };
  const look = lookForm(site, apply);
  look.form.addEventListener('saved', () => code.replaceChildren(snippet(site)));
  apply(look.values());
  return h(
    'div',
    {},
    h('h1', {}, `Install on ${site.domain}`),
    h(
      'section',
      { class: 'card' },
      h('h2', {}, 'Your snippet'),
      h('p', {}, 'Paste this tag before </body> on every page of your site where the chat should appear.'),
      h('pre', { class: 'snippet', id: 'snippet' }, code),
      h(
        'div',
        { class: 'actions' },
        h(
          'button',
          {
            type: 'button',
            onclick: async () => {
              try {
                await navigator.clipboard.writeText(code.textContent || '');
                copied.textContent = 'Copied to the clipboard.';
              } catch {
                const range = document.createRange();
                range.selectNodeContents(code);
                getSelection()?.removeAllRanges();
                getSelection()?.addRange(range);
                copied.textContent = 'Selected: press Ctrl+C (⌘C) to copy.';
              }
            },
          },
          'Copy snippet',
        ),
        copied,
      ),
    ),
    h(
      'div',
      { class: 'grid' },
      look.form,
      h(
        'section',
        { class: 'card' },
        h('h2', { id: 'preview-title' }, 'Preview'),
        h('p', { class: 'hint' }, 'How the widget looks with the settings on the left, as you edit them.'),
        h('div', { class: 'preview-wrap', role: 'img', 'aria-labelledby': 'preview-title' }, preview),
      ),
    ),
  );
}

// ---- settings ----------------------------------------------------------------------------------

/** @param {string} siteId */
async function settingsPage(siteId) {
  const site = await api('GET', sitePath(siteId));
  const c = site.custom_config;
  const current = session.current();

  /** A form that PATCHes what build() returns and says how it went. @param {string} title @param {HTMLElement[]} fields @param {() => any} build @param {(answer: any) => HTMLElement | string} [after] */
  const patchForm = (title, fields, build, after) => {
    const status = h('div', { 'aria-live': 'polite' });
    return h(
      'form',
      {
        class: 'card',
        onsubmit: async (/** @type {Event} */ e) => {
          e.preventDefault();
          try {
            const answer = await api('PATCH', sitePath(siteId), { json: build() });
            status.replaceChildren(h('p', { class: 'message' }, 'Saved.'), after ? after(answer) : '');
          } catch (err) {
            status.replaceChildren(failure(err));
          }
        },
      },
      h('h2', {}, title),
      ...fields,
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, `Save ${title.toLowerCase()}`)),
      status,
    );
  };

  /** A button that makes a secret and shows it once. @param {string} label @param {string} path @param {string} field @param {string} confirmText @param {(secret: string) => void} [then] */
  const secretButton = (label, path, field, confirmText, then) => {
    const out = h('div', { 'aria-live': 'polite' });
    const button = h(
      'button',
      {
        type: 'button',
        class: 'secondary',
        onclick: async () => {
          if (!confirm(confirmText)) return;
          try {
            const answer = await api('POST', sitePath(siteId) + path);
            out.replaceChildren(
              h('p', {}, 'Shown this once; keep it somewhere safe:'),
              h('p', { class: 'secret' }, answer[field]),
            );
            then?.(answer[field]);
          } catch (err) {
            out.replaceChildren(failure(err));
          }
        },
      },
      label,
    );
    return h('div', {}, h('div', { class: 'actions' }, button), out);
  };

  const domain = /** @type {HTMLInputElement} */ (
    h('input', { type: 'text', name: 'domain', value: site.domain, required: true })
  );
  const extra = /** @type {HTMLTextAreaElement} */ (h('textarea', { name: 'additional_domains', rows: 3 }));
  extra.value = site.additional_domains.join('\n');
  const subdomains = checkbox('Also allow subdomains', site.allow_subdomains, 'allow_subdomains');
  const widgetOn = checkbox('The widget is on (off hides it on every page)', site.widget_enabled, 'widget_enabled');

  const leadCapture = checkbox(
    'Offer visitors a contact form and collect leads from the chat',
    c.lead_capture,
    'lead_capture',
  );
  const webhook = /** @type {HTMLInputElement} */ (
    h('input', { type: 'url', name: 'lead_webhook_url', value: c.lead_webhook_url || '', placeholder: 'https://' })
  );
  const email = /** @type {HTMLInputElement} */ (
    h('input', { type: 'email', name: 'lead_notification_email', value: c.lead_notification_email || '' })
  );
  const identity = checkbox(
    'Require verified visitors (identity verification)',
    site.identity_required,
    'identity_required',
  );

  return h(
    'div',
    {},
    h('h1', {}, `Settings of ${site.domain}`),
    h(
      'div',
      { class: 'grid' },
      patchForm(
        'Domains',
        [
          field('Main domain', domain),
          field('Other domains, one per line', extra),
          subdomains.el,
          h(
            'p',
            { class: 'hint' },
            'With subdomains allowed, shop.example.com matches example.com, but badexample.com and example.com.evil.net never do: a subdomain must end with a dot and the whole domain. Without it, only the exact names above may show the widget.',
          ),
          widgetOn.el,
        ],
        () => ({
          domain: domain.value.trim(),
          additional_domains: extra.value.split(/\s+/).filter(Boolean),
          allow_subdomains: subdomains.input.checked,
          widget_enabled: widgetOn.input.checked,
        }),
      ),
      lookForm(site, () => {}).form,
      patchForm(
        'Leads',
        [
          leadCapture.el,
          field(
            'Webhook URL',
            webhook,
            'Every new lead is sent here as a signed POST (https, public address). Leave empty for none.',
          ),
          field('Notification e-mail', email, 'Optional: an e-mail for every new lead.'),
        ],
        () => ({
          custom_config: {
            lead_capture: leadCapture.input.checked,
            lead_webhook_url: webhook.value.trim(),
            lead_notification_email: email.value.trim() || null,
          },
        }),
        (answer) =>
          answer.webhook_secret
            ? h(
                'div',
                {},
                h('p', {}, 'The secret that signs your webhooks, shown this once:'),
                h('p', { class: 'secret' }, answer.webhook_secret),
              )
            : '',
      ),
      h(
        'section',
        { class: 'card' },
        patchForm(
          'Identity verification',
          [
            identity.el,
            h(
              'p',
              { class: 'hint' },
              'Your own server signs each signed-in visitor with the identity secret; the widget then sends visitor_id and visitor_hash. Make a secret before turning this on.',
            ),
          ],
          () => ({ identity_required: identity.input.checked }),
        ),
        secretButton(
          'Make a new identity secret',
          '/identity-secret',
          'identity_secret',
          'Make a new identity secret? The current one stops working at once.',
        ),
      ),
      h(
        'section',
        { class: 'card' },
        h('h2', {}, 'Keys'),
        h('p', {}, 'A new owner key replaces the current one at once: scripts using the old key stop working.'),
        secretButton(
          'Rotate the owner key',
          '/owner-key',
          'owner_key',
          'Rotate the owner key? The current key stops working at once.',
          (key) => {
            if (current?.role === 'owner') session.replaceKey(key);
          },
        ),
        h('p', {}, 'The webhook secret signs the lead webhooks (Yuno-Signature).'),
        secretButton(
          'Make a new webhook secret',
          '/webhook-secret',
          'webhook_secret',
          'Make a new webhook secret? The current one stops signing at once.',
        ),
      ),
    ),
  );
}

// ---- knowledge ---------------------------------------------------------------------------------

/** @param {string} siteId @param {URLSearchParams} query */
async function knowledgePage(siteId, query) {
  const docs = h('div', {}, h('p', { class: 'hint' }, 'Loading…'));
  const refresh = async () => {
    try {
      const page = await api('GET', `${sitePath(siteId)}/documents?size=200`);
      const rows = page.items.map((/** @type {any} */ d) =>
        h(
          'tr',
          {},
          h('td', {}, d.url ? safeLink(d.url, d.title || d.url) : d.title || '(untitled)'),
          h('td', {}, d.content_type),
          h('td', {}, d.source),
          h('td', { class: 'num' }, size(d.size_bytes)),
          h('td', { class: 'num' }, String(d.chunks)),
          h('td', {}, when(d.created_at)),
          h(
            'td',
            {},
            h(
              'button',
              {
                type: 'button',
                class: 'danger',
                'aria-label': `Delete ${d.title || 'document'}`,
                onclick: async () => {
                  if (!confirm(`Delete “${d.title || 'this document'}” and its passages?`)) return;
                  try {
                    await api('DELETE', `${sitePath(siteId)}/documents/${encodeURIComponent(d.document_id)}`);
                    say('Document deleted.', 'ok');
                    refresh();
                  } catch (err) {
                    say(err instanceof ApiError ? err.detail : 'Not deleted.', 'error');
                  }
                },
              },
              'Delete',
            ),
          ),
        ),
      );
      docs.replaceChildren(
        h('p', {}, `${page.total} document${page.total === 1 ? '' : 's'}.`),
        rows.length
          ? table('Documents', ['Title', 'Type', 'From', 'Size', 'Passages', 'Added', ''], rows, ['Size', 'Passages'])
          : '',
      );
    } catch (err) {
      docs.replaceChildren(failure(err));
    }
  };
  await api('GET', sitePath(siteId));
  refresh();

  // Upload, by drag and drop or the file picker.
  const uploads = h('ul', { 'aria-live': 'polite' });
  const upload = async (/** @type {FileList | File[]} */ files) => {
    for (const file of Array.from(files)) {
      const item = h('li', {}, `${file.name}: uploading…`);
      uploads.append(item);
      const form = new FormData();
      form.append('file', file, file.name);
      try {
        const stored = await api('POST', `${sitePath(siteId)}/documents`, { form });
        item.textContent = stored.duplicate
          ? `${file.name}: already there, nothing added.`
          : `${file.name}: added, ${stored.chunks} passage${stored.chunks === 1 ? '' : 's'}.`;
      } catch (err) {
        item.textContent = `${file.name}: not added. ${err instanceof ApiError ? err.detail : ''}`;
        item.classList.add('error');
      }
    }
    refresh();
  };
  const picker = /** @type {HTMLInputElement} */ (
    h('input', {
      type: 'file',
      id: 'upload-files',
      multiple: true,
      accept: '.txt,.md,.markdown,.html,.htm,.pdf,text/plain,text/markdown,text/html,application/pdf',
    })
  );
  picker.addEventListener('change', () => {
    if (picker.files?.length) upload(picker.files).then(() => (picker.value = ''));
  });
  const drop = h(
    'div',
    { class: 'drop', id: 'drop' },
    h('p', {}, 'Drop text, Markdown, HTML or PDF files here, or'),
    h('label', { for: 'upload-files' }, 'choose files to upload'),
    picker,
  );
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    if (e.dataTransfer?.files.length) upload(e.dataTransfer.files);
  });

  // A document written here, e.g. for a question the assistant could not answer.
  const title = /** @type {HTMLInputElement} */ (
    h('input', { type: 'text', name: 'title', id: 'write-title', value: query.get('title') || '', maxlength: 500 })
  );
  const content = /** @type {HTMLTextAreaElement} */ (h('textarea', { name: 'content', id: 'write-content', rows: 6 }));
  const written = h('div', { 'aria-live': 'polite' });
  const writeForm = h(
    'form',
    {
      class: 'card',
      id: 'write',
      onsubmit: async (/** @type {Event} */ e) => {
        e.preventDefault();
        try {
          const stored = await api('POST', `${sitePath(siteId)}/documents`, {
            json: { title: title.value.trim() || null, content: content.value, content_type: 'text/markdown' },
          });
          written.replaceChildren(
            h('p', { class: 'message' }, `Added, ${stored.chunks} passage${stored.chunks === 1 ? '' : 's'}.`),
          );
          content.value = '';
          refresh();
        } catch (err) {
          written.replaceChildren(failure(err));
        }
      },
    },
    h('h2', {}, 'Write a document'),
    field('Title', title),
    field('Text (Markdown)', content, 'Headings start new passages.'),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Add document')),
    written,
  );

  // A crawl of a page or sitemap, followed live.
  const url = /** @type {HTMLInputElement} */ (
    h('input', { type: 'url', name: 'url', required: true, placeholder: 'https://example.com/sitemap.xml' })
  );
  const maxPages = /** @type {HTMLInputElement} */ (
    h('input', { type: 'number', name: 'max_pages', min: 1, value: 50 })
  );
  const progress = h('div', { 'aria-live': 'polite', id: 'crawl-progress' });
  const crawlForm = h(
    'form',
    {
      class: 'card',
      onsubmit: async (/** @type {Event} */ e) => {
        e.preventDefault();
        try {
          const started = await api('POST', `${sitePath(siteId)}/crawls`, {
            json: { url: url.value.trim(), max_pages: Number(maxPages.value) || null },
          });
          progress.replaceChildren(h('p', {}, 'Queued…'));
          const poll = async () => {
            try {
              const job = await api('GET', `${sitePath(siteId)}/crawls/${encodeURIComponent(started.job_id)}`);
              const total = Math.max(job.pages_total, job.pages_done, 1);
              progress.replaceChildren(
                h(
                  'p',
                  { class: 'crawl-status' },
                  `Crawl ${job.status}: ${job.pages_done} of ${job.pages_total} pages, ${job.chunks} passages.`,
                ),
                h('progress', {
                  max: total,
                  value: job.status === 'done' ? total : job.pages_done,
                  'aria-label': 'Crawl progress',
                }),
                job.errors.length
                  ? h(
                      'ul',
                      {},
                      ...job.errors
                        .slice(0, 20)
                        .map((/** @type {any} */ er) => h('li', {}, `${er.url || ''} ${er.error || er.message || ''}`)),
                    )
                  : '',
              );
              if (job.status === 'done' || job.status === 'failed') {
                timers.forEach(clearInterval);
                refresh();
              }
            } catch (err) {
              timers.forEach(clearInterval);
              progress.replaceChildren(failure(err));
            }
          };
          timers.push(setInterval(poll, 1000));
          poll();
        } catch (err) {
          progress.replaceChildren(failure(err));
        }
      },
    },
    h('h2', {}, 'Add a website page or sitemap'),
    field(
      'Page or sitemap URL',
      url,
      "One of your site's domains; links are followed on the same site, and robots.txt is honoured.",
    ),
    field('Most pages', maxPages),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Start crawl')),
    progress,
  );

  // Try a question: the passages retrieval finds, with their scores.
  const question = /** @type {HTMLInputElement} */ (h('input', { type: 'search', name: 'question', required: true }));
  const found = h('div', { 'aria-live': 'polite', id: 'passages' });
  const tryForm = h(
    'form',
    {
      class: 'card',
      onsubmit: async (/** @type {Event} */ e) => {
        e.preventDefault();
        try {
          const result = await api('POST', `${sitePath(siteId)}/knowledge/search`, {
            json: { question: question.value },
          });
          found.replaceChildren(
            result.passages.length
              ? h('p', {}, `${result.passages.length} passage${result.passages.length === 1 ? '' : 's'}, best first:`)
              : h(
                  'p',
                  { class: 'message' },
                  'No passage is relevant enough: the assistant would answer without your knowledge. Add a document about it.',
                ),
            ...result.passages.map((/** @type {any} */ p) =>
              h(
                'article',
                { class: 'passage' },
                h(
                  'div',
                  { class: 'meta' },
                  h('strong', {}, p.title),
                  p.heading_path ? h('span', {}, p.heading_path) : '',
                  h('span', { class: 'score' }, `score ${p.score.toFixed(3)}`),
                  p.url ? safeLink(p.url) : '',
                ),
                h('p', { class: 'text' }, p.content),
              ),
            ),
          );
        } catch (err) {
          found.replaceChildren(failure(err));
        }
      },
    },
    h('h2', {}, 'Try a question'),
    field('Question', question, 'Shows the passages the assistant would be given, with their relevance scores.'),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Search')),
    found,
  );

  const page = h(
    'div',
    {},
    h('h1', {}, 'Knowledge'),
    h('section', { class: 'card' }, h('h2', {}, 'Documents'), docs),
    h('div', { class: 'grid' }, h('section', { class: 'card' }, h('h2', {}, 'Upload files'), drop, uploads), crawlForm),
    h('div', { class: 'grid' }, tryForm, writeForm),
  );
  if (query.get('title')) setTimeout(() => content.focus(), 0);
  return page;
}

// ---- conversations -----------------------------------------------------------------------------

/** @param {string} siteId @param {URLSearchParams} query */
async function conversationsPage(siteId, query) {
  const pageNo = Math.max(0, Number(query.get('page')) || 0);
  const list = await api('GET', `${sitePath(siteId)}/conversations?size=50&page=${pageNo}`);
  const rows = list.items.map((/** @type {any} */ c) =>
    h(
      'tr',
      {},
      h(
        'td',
        {},
        h(
          'a',
          { href: `#/sites/${encodeURIComponent(siteId)}/conversations/${encodeURIComponent(c.session_id)}` },
          when(c.first_message_at),
        ),
      ),
      h('td', {}, when(c.last_message_at)),
      h('td', { class: 'num' }, String(c.message_count)),
      h('td', {}, c.lang || '—'),
      h('td', {}, c.lead ? h('span', { class: 'badge-yes' }, 'yes') : 'no'),
    ),
  );
  const base = `#/sites/${encodeURIComponent(siteId)}/conversations?page=`;
  return h(
    'div',
    {},
    h('h1', {}, 'Conversations'),
    h(
      'section',
      { class: 'card' },
      h('p', {}, `${list.total} conversation${list.total === 1 ? '' : 's'}, newest first.`),
      rows.length
        ? table('Conversations', ['Started', 'Last message', 'Messages', 'Language', 'Lead'], rows, ['Messages'])
        : h('p', {}, 'No conversations yet.'),
      h(
        'div',
        { class: 'actions' },
        pageNo > 0 ? h('a', { class: 'button secondary', href: base + (pageNo - 1) }, 'Newer') : '',
        (pageNo + 1) * list.size < list.total
          ? h('a', { class: 'button secondary', href: base + (pageNo + 1) }, 'Older')
          : '',
      ),
    ),
  );
}

/** @param {string} siteId @param {string} sessionId */
async function conversationPage(siteId, sessionId) {
  const path = `${sitePath(siteId)}/conversations/${encodeURIComponent(sessionId)}`;
  const conversation = await api('GET', path);
  const messages = conversation.messages.map((/** @type {any} */ m) => {
    const chips = [
      m.lang && `language ${m.lang}`,
      m.intent && `intent ${m.intent}`,
      m.user_sentiment && `sentiment ${m.user_sentiment}`,
      m.answer_confidence != null && `confidence ${Number(m.answer_confidence).toFixed(2)}`,
      m.tokens_used != null && `${m.tokens_used} tokens`,
    ].filter(Boolean);
    const sources =
      m.role === 'assistant' && Array.isArray(m.raw_json_output?.sources) ? m.raw_json_output.sources : null;
    return h(
      'article',
      { class: `msg ${m.role}` },
      h(
        'div',
        { class: 'meta' },
        h('strong', {}, m.role === 'user' ? 'Visitor' : 'Assistant'),
        h('span', {}, when(m.timestamp)),
        m.page_url ? h('span', {}, 'on ', safeLink(m.page_url)) : '',
      ),
      h('p', { class: 'text' }, m.content),
      h(
        'div',
        { class: 'chips' },
        ...chips.map((c) => h('span', { class: 'chip' }, c)),
        m.compliance_red_flag ? h('span', { class: 'chip flag' }, 'compliance flag') : '',
      ),
      sources
        ? sources.length
          ? h(
              'div',
              { class: 'sources' },
              h('span', { class: 'hint' }, 'Sources: '),
              h(
                'ul',
                {},
                ...sources.map((/** @type {any} */ src) =>
                  h(
                    'li',
                    {},
                    safeLink(src.url, src.title || src.url || 'untitled'),
                    typeof src.score === 'number' ? ` (score ${src.score.toFixed(2)})` : '',
                  ),
                ),
              ),
            )
          : h('p', { class: 'hint' }, 'Answered without any passage of your knowledge.')
        : '',
    );
  });
  const back = `#/sites/${encodeURIComponent(siteId)}/conversations`;
  return h(
    'div',
    {},
    h('h1', {}, 'Conversation'),
    h('p', {}, h('a', { href: back }, '← All conversations')),
    h('section', { class: 'card' }, ...messages),
    h(
      'section',
      { class: 'card' },
      h('h2', {}, 'Erase'),
      h('p', {}, "For a visitor's request to delete their data: erases this conversation and the visitor's lead."),
      h(
        'button',
        {
          type: 'button',
          class: 'danger',
          onclick: async () => {
            if (!confirm('Erase this conversation and its lead for good?')) return;
            try {
              await api('DELETE', path);
              flash = { text: 'Conversation erased.', kind: 'ok' };
              navigate(back);
            } catch (err) {
              say(err instanceof ApiError ? err.detail : 'Not erased.', 'error');
            }
          },
        },
        'Erase conversation',
      ),
    ),
  );
}

// ---- leads -------------------------------------------------------------------------------------

/** @param {string} siteId */
async function leadsPage(siteId) {
  /** @type {any[]} */
  const all = [];
  let total = 0;
  for (let page = 0; page < 10; page++) {
    const batch = await api('GET', `${sitePath(siteId)}/leads?size=100&page=${page}`);
    all.push(...batch.items);
    total = batch.total;
    if (all.length >= total || batch.items.length === 0) break;
  }
  const search = /** @type {HTMLInputElement} */ (
    h('input', { type: 'search', name: 'search', placeholder: 'Name, e-mail, phone or message' })
  );
  const from = /** @type {HTMLInputElement} */ (h('input', { type: 'date', name: 'from' }));
  const to = /** @type {HTMLInputElement} */ (h('input', { type: 'date', name: 'to' }));
  const body = h('div', {});
  const draw = () => {
    const words = search.value.trim().toLowerCase();
    const start = from.value ? new Date(`${from.value}T00:00:00`).getTime() : -Infinity;
    const end = to.value ? new Date(`${to.value}T23:59:59.999`).getTime() : Infinity;
    const shown = all.filter((l) => {
      const t = new Date(l.created_at).getTime();
      const text = [l.name, l.email, l.phone, l.message].filter(Boolean).join(' ').toLowerCase();
      return t >= start && t <= end && (!words || text.includes(words));
    });
    body.replaceChildren(
      h('p', { 'aria-live': 'polite' }, `${shown.length} of ${total} lead${total === 1 ? '' : 's'}.`),
      shown.length
        ? table(
            'Leads',
            ['Date', 'Name', 'E-mail', 'Phone', 'Message', 'From'],
            shown.map((l) =>
              h(
                'tr',
                {},
                h('td', {}, when(l.created_at)),
                h('td', {}, l.name || ''),
                h('td', {}, l.email || ''),
                h('td', {}, l.phone || ''),
                h('td', {}, l.message || ''),
                h('td', {}, l.source === 'form' ? 'contact form' : 'chat'),
              ),
            ),
          )
        : '',
    );
  };
  for (const control of [search, from, to]) control.addEventListener('input', draw);
  draw();
  const download = h(
    'button',
    {
      type: 'button',
      class: 'secondary',
      onclick: async () => {
        try {
          const blob = await api('GET', `${sitePath(siteId)}/leads`, { accept: 'text/csv' });
          const link = h('a', { href: URL.createObjectURL(blob), download: `leads-${siteId}.csv` });
          document.body.append(link);
          link.click();
          link.remove();
          setTimeout(() => URL.revokeObjectURL(link.getAttribute('href') || ''), 10_000);
        } catch (err) {
          say(err instanceof ApiError ? err.detail : 'Not downloaded.', 'error');
        }
      },
    },
    'Download CSV (all leads)',
  );
  return h(
    'div',
    {},
    h('h1', {}, 'Leads'),
    h(
      'section',
      { class: 'card' },
      h(
        'div',
        { class: 'grid' },
        field('Search', search),
        h('div', { class: 'row' }, field('From', from), field('To', to)),
      ),
      h('div', { class: 'actions' }, download),
      body,
    ),
  );
}

// ---- usage and insights ------------------------------------------------------------------------

/** @param {string} siteId */
async function usagePage(siteId) {
  const [usage, insights] = await Promise.all([
    api('GET', `${sitePath(siteId)}/usage`),
    api('GET', `${sitePath(siteId)}/insights?days=30`),
  ]);
  const days = insights.days.map((/** @type {any} */ d) => d.date.slice(5));
  const gaps = insights.gaps.map((/** @type {any} */ g) =>
    h(
      'li',
      { class: 'passage' },
      h('p', { class: 'text' }, g.question),
      h(
        'div',
        { class: 'meta' },
        h('span', {}, when(g.asked_at)),
        h(
          'span',
          {},
          g.answer_confidence != null ? `confidence ${Number(g.answer_confidence).toFixed(2)}` : 'confidence unknown',
        ),
        h('span', {}, g.sources === 0 ? 'no passage found' : g.sources != null ? `${g.sources} passages` : ''),
        h(
          'a',
          { href: `#/sites/${encodeURIComponent(siteId)}/conversations/${encodeURIComponent(g.session_id)}` },
          'Read the conversation',
        ),
      ),
      h(
        'div',
        { class: 'actions' },
        h(
          'a',
          {
            class: 'button secondary',
            href: `#/sites/${encodeURIComponent(siteId)}/knowledge?title=${encodeURIComponent(g.question.slice(0, 200))}`,
          },
          'Add a document',
        ),
      ),
    ),
  );
  return h(
    'div',
    {},
    h('h1', {}, 'Usage & insights'),
    h(
      'div',
      { class: 'grid' },
      h(
        'section',
        { class: 'card' },
        h('h2', {}, `Requests against the ${usage.plan_type} plan`),
        meters(
          ['minute', 'hour', 'day', 'month'].map((w) => ({
            label: `This ${w}`,
            used: usage.used[w],
            limit: usage.limits[w],
          })),
        ),
        h(
          'p',
          { class: 'hint' },
          `Tokens today ${usage.tokens.day.toLocaleString()}, this month ${usage.tokens.month.toLocaleString()}.`,
        ),
      ),
      h(
        'section',
        { class: 'card chart' },
        h('h2', {}, 'Answers per day (30 days)'),
        barChart(
          'Answers per day',
          days,
          insights.days.map((/** @type {any} */ d) => d.answers),
          { limit: usage.limits.day, limitLabel: 'daily plan limit' },
        ),
      ),
      h(
        'section',
        { class: 'card chart' },
        h('h2', {}, 'Tokens per day'),
        barChart(
          'Tokens per day',
          days,
          insights.days.map((/** @type {any} */ d) => d.tokens),
          { color: 'var(--bar2)' },
        ),
      ),
      h(
        'section',
        { class: 'card chart' },
        h('h2', {}, 'Answers per intent'),
        hbars('Answers per intent', insights.intents),
      ),
      h(
        'section',
        { class: 'card chart' },
        h('h2', {}, 'Answers per visitor sentiment'),
        hbars('Answers per sentiment', insights.sentiments),
      ),
    ),
    h(
      'section',
      { class: 'card' },
      h('h2', {}, 'What your knowledge base is missing'),
      h(
        'p',
        { class: 'hint' },
        `Questions answered with a confidence below ${insights.low_confidence} or without any passage, newest first.`,
      ),
      gaps.length ? h('ul', { class: 'gaps' }, ...gaps) : h('p', {}, 'Nothing missing in the last 30 days.'),
    ),
  );
}

route();
