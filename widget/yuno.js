// @ts-check
/*!
 * Yuno chat widget: <yuno-chat>, a Web Component. Install with one tag:
 * <script src="https://yuno.example.com/yuno.js" site_id="..." theme="dark" position="bottom-right"
 *         primary_color="#FF6B35" welcome_message="Hi! How can I help you today?"></script>
 * No build step: this file is served as it is, at /yuno.js. Everything a visitor or a model writes is
 * put on the page as text nodes (or through the tiny markdown renderer below, which makes elements
 * itself and only http(s)/mailto links); never as HTML.
 */
(() => {
  'use strict';

  /** @typedef {{max_message_chars: number, max_messages: number, max_total_chars: number}} Limits */
  /** @typedef {{theme?: string, position?: string, primary_color?: string, welcome_message?: string, bot_name?: string, lead_capture?: boolean, limits?: Partial<Limits>}} WidgetConfig */
  /** @typedef {{token: string, exp: number, widget: WidgetConfig}} Auth */
  /** @typedef {{title?: unknown, url?: unknown}} Source */
  /** @typedef {{role: 'user' | 'assistant', content: string, sources?: Source[], offer?: boolean, note?: boolean}} Message */
  /** @typedef {{session_id: string, messages: Message[], lead?: boolean}} Conversation */
  /** @typedef {{status: number, code: string, detail: string, retryAfter: number}} Problem */

  const TAG = 'yuno-chat';
  const ATTRS = [
    'site_id',
    'theme',
    'position',
    'primary_color',
    'welcome_message',
    'api_base',
    'visitor_id',
    'visitor_hash',
    'visitor_token',
  ];
  const THEMES = ['dark', 'light', 'blue', 'green'];
  const POSITIONS = ['bottom-right', 'bottom-left', 'top-right', 'top-left'];
  const HEX = /^#(?:[0-9a-f]{3}){1,2}$/i;
  const SVG = 'http://www.w3.org/2000/svg';
  const MAX_STORED = 100;
  const GRACE = 4 * 60e3; // the server refreshes tokens expired by at most 5 minutes
  const ASKS_FOR_CONTACT =
    /\b(e-?mail|phone|contact (details|info)|reach (you|out)|get in touch|call you|your (name|number))\b/i;

  /** @param {number} n @returns {string} n random characters of [A-Za-z0-9_-] */
  const random = (n) =>
    Array.from(
      crypto.getRandomValues(new Uint8Array(n)),
      (b) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'[b & 63],
    ).join('');

  /** Storage that never throws (storage may be blocked or full). @param {'local' | 'session'} area */
  const storage = (area) => ({
    /** @param {string} key @returns {any} */
    get(key) {
      try {
        return JSON.parse(window[`${area}Storage`].getItem(key) || 'null');
      } catch {
        return null;
      }
    },
    /** @param {string} key @param {unknown} [value] */
    set(key, value) {
      try {
        const s = window[`${area}Storage`];
        if (value === undefined) s.removeItem(key);
        else s.setItem(key, JSON.stringify(value));
      } catch {
        /* not kept: the widget still works for this page */
      }
    },
  });
  const local = storage('local');
  const session = storage('session');

  /**
   * Makes an element; strings among the children become text nodes, never markup.
   * @template {keyof HTMLElementTagNameMap} K
   * @param {K} tag
   * @param {Record<string, string | boolean | number | null | undefined | ((e: any) => void)>} [attrs]
   * @param {...(Node | string | null | undefined | false)} kids
   * @returns {HTMLElementTagNameMap[K]}
   */
  function h(tag, attrs, ...kids) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (typeof v === 'function') el.addEventListener(k.slice(2), v);
      else if (v === true) el.setAttribute(k, '');
      else if (v !== false && v != null) el.setAttribute(k, String(v));
    }
    for (const kid of kids) if (kid != null && kid !== false) el.append(kid);
    return el;
  }

  /** A 24px icon from one path. @param {string} d */
  function icon(d) {
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    const path = document.createElementNS(SVG, 'path');
    path.setAttribute('d', d);
    svg.append(path);
    return svg;
  }
  const ICONS = {
    chat: 'M20 2H4a2 2 0 0 0-2 2v18l4-4h14a2 2 0 0 0 2-2V4a2 2 0 0 0-2-2z',
    close: 'M19 6.41 17.59 5 12 10.59 6.41 5 5 6.41 10.59 12 5 17.59 6.41 19 12 13.41 17.59 19 19 17.59 13.41 12z',
    send: 'M2.01 21 23 12 2.01 3 2 10l15 2-15 2z',
    plus: 'M19 13h-6v6h-2v-6H5v-2h6V5h2v6h6v2z',
    mail: 'M20 4H4a2 2 0 0 0-2 2v12a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2V6a2 2 0 0 0-2-2zm0 4-8 5-8-5V6l8 5 8-5z',
  };

  /**
   * A URL that may become a link: absolute, and of an allowed scheme; otherwise null.
   * @param {unknown} url @param {RegExp} schemes
   */
  function safeUrl(url, schemes) {
    if (typeof url !== 'string') return null;
    try {
      const u = new URL(url.trim());
      return schemes.test(u.protocol) ? u.href : null;
    } catch {
      return null;
    }
  }

  /**
   * The text a visitor typed, without the control characters the server refuses (all below U+0020
   * but tab, line feed and carriage return): a pasted NUL would otherwise cost the whole message.
   * @param {string} text
   */
  const plain = (text) => text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '');

  /** @param {string} href @param {Node | string} label */
  const link = (href, label) => h('a', { href, target: '_blank', rel: 'noopener noreferrer nofollow ugc' }, label);

  // ---- Markdown, the safe subset: paragraphs, line breaks, headings (as bold lines), lists,
  // tables, fenced and inline code, **strong**, *emphasis*, [links](https://...) and bare URLs. ----

  const LIST = /^\s*([-*+]|\d{1,9}[.)])\s+/;
  const TABLE_RULE = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)+\|?\s*$/;
  /** A row's cells; \| is a pipe inside a cell. @param {string} row */
  const cells = (row) =>
    row
      .trim()
      .replace(/^\|/, '')
      .replace(/(?<!\\)\|$/, '')
      .split(/(?<!\\)\|/)
      .map((c) => c.trim().replace(/\\\|/g, '|'));
  /** A table starts at a row of cells followed by a |---|---| rule with as many cells. @param {string[]} lines @param {number} i */
  const tableAt = (lines, i) =>
    lines[i].includes('|') &&
    TABLE_RULE.test(lines[i + 1] || '') &&
    cells(lines[i]).length === cells(lines[i + 1]).length;
  const FENCE = /^\s*(```|~~~)/;
  const HEADING = /^\s*#{1,6}\s+/;
  const INLINE =
    /`([^`\n]+)`|\[([^\]\n]+)\]\(\s*<?([^\s)>]+)>?\s*\)|\*\*(?=\S)(.+?\S)\*\*|__(?=\S)(.+?\S)__|\*(?=[^\s*])(.+?[^\s*])\*|_(?=[^\s_])(.+?[^\s_])_|(https?:\/\/[^\s<>()]*[^\s<>().,;:!?'"])/g;

  /** @param {string} text @returns {DocumentFragment} */
  function inline(text) {
    const out = document.createDocumentFragment();
    const re = new RegExp(INLINE);
    let last = 0;
    /** @type {RegExpExecArray | null} */
    let m;
    while ((m = re.exec(text))) {
      // snake_case_words are not emphasis
      if (m[7] != null && (/\w/.test(text[m.index - 1] || '') || /\w/.test(text[re.lastIndex] || ''))) {
        re.lastIndex = m.index + 1;
        continue;
      }
      out.append(text.slice(last, m.index));
      if (m[1] != null) out.append(h('code', {}, m[1]));
      else if (m[2] != null) {
        const href = safeUrl(m[3], /^(https?|mailto):$/);
        out.append(href ? link(href, inline(m[2])) : inline(m[2]));
      } else if (m[4] != null || m[5] != null) out.append(h('strong', {}, inline(m[4] ?? m[5] ?? '')));
      else if (m[6] != null || m[7] != null) out.append(h('em', {}, inline(m[6] ?? m[7] ?? '')));
      else {
        const href = safeUrl(m[8], /^https?:$/);
        out.append(href ? link(href, m[8]) : m[8]);
      }
      last = re.lastIndex;
    }
    out.append(text.slice(last));
    return out;
  }

  /** @param {string} source @returns {DocumentFragment} */
  function markdown(source) {
    const out = document.createDocumentFragment();
    const lines = source.replace(/\r\n?/g, '\n').split('\n');
    const starts = (/** @type {string} */ l) => FENCE.test(l) || LIST.test(l) || HEADING.test(l);
    let i = 0;
    while (i < lines.length) {
      const line = lines[i];
      const fence = FENCE.exec(line);
      if (fence) {
        const code = [];
        for (i++; i < lines.length && !lines[i].trim().startsWith(fence[1]); i++) code.push(lines[i]);
        i++;
        out.append(h('pre', {}, h('code', {}, code.join('\n'))));
      } else if (!line.trim()) {
        i++;
      } else if (tableAt(lines, i)) {
        const head = cells(line);
        const body = h('tbody');
        for (i += 2; i < lines.length && lines[i].includes('|') && lines[i].trim() && !starts(lines[i]); i++) {
          const row = cells(lines[i]);
          body.append(h('tr', {}, ...head.map((_, k) => h('td', {}, inline(row[k] || '')))));
        }
        out.append(
          h(
            'div',
            { class: 'table' },
            h('table', {}, h('thead', {}, h('tr', {}, ...head.map((c) => h('th', { scope: 'col' }, inline(c))))), body),
          ),
        );
      } else if (HEADING.test(line)) {
        out.append(h('p', {}, h('strong', {}, inline(line.replace(HEADING, '')))));
        i++;
      } else if (LIST.test(line)) {
        const ordered = /\d/.test(/** @type {RegExpExecArray} */ (LIST.exec(line))[1]);
        const list = h(ordered ? 'ol' : 'ul', { start: ordered ? parseInt(line, 10) || null : null });
        /** @type {RegExpExecArray | null} */
        let m;
        while (i < lines.length && (m = LIST.exec(lines[i])) && /\d/.test(m[1]) === ordered) {
          const item = h('li', {}, inline(lines[i].slice(m[0].length)));
          for (i++; i < lines.length && /^\s+\S/.test(lines[i]) && !starts(lines[i]); i++) {
            item.append(h('br'), inline(lines[i].trim()));
          }
          list.append(item);
        }
        out.append(list);
      } else {
        const p = h('p');
        for (
          let first = true;
          i < lines.length && lines[i].trim() && !starts(lines[i]) && !tableAt(lines, i);
          i++, first = false
        ) {
          if (!first) p.append(h('br'));
          p.append(inline(lines[i]));
        }
        out.append(p);
      }
    }
    return out;
  }

  // ---- Server-sent events over fetch ----

  /**
   * Yields the events of an event stream, as the EventSource parsing rules read them.
   * @param {ReadableStream<Uint8Array>} body
   * @returns {AsyncGenerator<{event: string, data: string}>}
   */
  async function* events(body) {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    let event = '';
    /** @type {string[]} */
    let data = [];
    try {
      for (;;) {
        const { value, done } = await reader.read();
        buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
        // A CR at the end may be the first half of a CRLF: keep it for the next chunk.
        const cut = !done && buffer.endsWith('\r') ? buffer.length - 1 : buffer.length;
        const lines = buffer.slice(0, cut).split(/\r\n|\r|\n/);
        buffer = (done ? '' : lines.pop() || '') + buffer.slice(cut);
        for (const line of lines) {
          if (!line) {
            if (data.length) yield { event: event || 'message', data: data.join('\n') };
            event = '';
            data = [];
            continue;
          }
          const colon = line.indexOf(':');
          if (colon === 0) continue;
          const field = colon < 0 ? line : line.slice(0, colon);
          const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'event') event = value;
          else if (field === 'data') data.push(value);
        }
        if (done) return;
      }
    } finally {
      reader.releaseLock();
    }
  }

  /** The refusal in a problem document. @param {Response} res @returns {Promise<Problem>} */
  async function problem(res) {
    /** @type {any} */
    let body = {};
    try {
      body = await res.json();
    } catch {
      /* not JSON */
    }
    const retryAfter = Number(res.headers.get('Retry-After')) || Number(body && body.retry_after) || 0;
    return { status: res.status, code: String(body?.code || ''), detail: String(body?.detail || ''), retryAfter };
  }

  // ---- The connection: the token, the calls and the answer's stream; no element in here ----

  /** @typedef {{session?: (id: string) => void, update?: (answer: Message) => void}} AskHandlers */
  /** @typedef {{answer: Message, lead: boolean, cut: boolean}} Answered */

  /**
   * The widget's connection to Yuno, for one site: a token (kept in session storage, refreshed ahead
   * of expiry and again when the server refuses it), the site's settings that come with it, and the
   * calls. Every failure is thrown as a Problem (status 0 when the server could not be reached).
   */
  class YunoConnection {
    /**
     * @param {string} siteId
     * @param {string} base the backend's URL, ending in /
     * @param {Record<string, string>} visitor visitor_id, visitor_hash and visitor_token, where the tag gives them
     */
    constructor(siteId, base, visitor) {
      this.siteId = siteId;
      this.base = base;
      this.visitor = visitor;
      this.authKey = `yuno:token:${siteId}`;
      /** @type {Auth | null} */
      this.auth = null;
      /** @type {Promise<string> | null} */
      this.authing = null;
      /** @type {ReturnType<typeof setTimeout> | undefined} */
      this.timer = undefined;
    }

    /** The site's settings for the widget, as the server sent them with the token. @returns {WidgetConfig} */
    get config() {
      return this.auth?.widget || {};
    }

    /**
     * The limits of /ask the widget keeps to: the server's (sent with the token), and never more
     * than 20 turns and 30,000 characters of history.
     * @returns {Limits}
     */
    get limits() {
      const served = this.config.limits || {};
      const n = (/** @type {unknown} */ v, /** @type {number} */ fallback) =>
        typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : fallback;
      return {
        max_message_chars: n(served.max_message_chars, 4000),
        max_messages: Math.min(20, n(served.max_messages, 50)),
        max_total_chars: Math.min(30000, n(served.max_total_chars, 32000)),
      };
    }

    /**
     * Gets a token, then calls ready; a refused site never does. Offline, rate limited or with the
     * server away, it tries again later and when the browser is back online (ready may then be called
     * more than once).
     * @param {() => void} ready @param {number} [attempt]
     */
    async connect(ready, attempt = 0) {
      const stored = /** @type {Auth | null} */ (session.get(this.authKey));
      if (stored && typeof stored.token === 'string' && stored.exp > Date.now() + 30e3) this.keep(stored);
      else if (stored && typeof stored.token === 'string' && stored.exp + GRACE > Date.now()) this.auth = stored; // to refresh
      try {
        await this.token();
      } catch (e) {
        const p = /** @type {Problem} */ (e);
        if (p.status === 403 || p.status === 404 || p.status === 400) {
          console.info(`Yuno: the widget is not available here (${p.code || p.status}).`);
          return;
        }
        // Offline, rate limited or the server is away: try again later, without showing anything yet.
        if (attempt < 5)
          setTimeout(() => this.connect(ready, attempt + 1), Math.max(p.retryAfter || 0, 5 * 2 ** attempt) * 1e3);
        if (p.status === 0) addEventListener('online', () => this.connect(ready, 0), { once: true });
        return;
      }
      ready();
    }

    /** Stops refreshing the token. */
    close() {
      clearTimeout(this.timer);
    }

    /** @param {string} path @param {unknown} body @param {string} [token] @param {AbortSignal} [signal] */
    post(path, body, token, signal) {
      /** @type {Record<string, string>} */
      const headers = {
        'Content-Type': 'application/json',
        Accept: path === 'ask' ? 'text/event-stream' : 'application/json',
      };
      if (token) headers.Authorization = `Bearer ${token}`;
      return fetch(new URL(path, this.base).href, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        mode: 'cors',
        credentials: 'omit',
        cache: 'no-store',
        signal,
      });
    }

    /** @param {Auth} auth */
    keep(auth) {
      this.auth = auth;
      session.set(this.authKey, auth);
      clearTimeout(this.timer);
      const left = auth.exp - Date.now();
      // Refresh ahead of expiry: a minute before (for short lives, a fifth of it), and never later
      // than the 30 seconds before it within which token() stops trusting it.
      this.timer = setTimeout(
        () => this.token(true).catch(() => {}),
        Math.max(1e3, left - Math.max(30e3, Math.min(60e3, left / 5))),
      );
    }

    /**
     * A usable token: the current one, else a refreshed one, else a new one. With force, the
     * current one is not trusted (the server refused it).
     * @param {boolean} [force]
     * @returns {Promise<string>}
     */
    token(force) {
      const auth = this.auth;
      if (auth && !force && auth.exp - Date.now() > 30e3) return Promise.resolve(auth.token);
      if (!this.authing) {
        this.authing = (async () => {
          try {
            if (auth && auth.exp + GRACE > Date.now()) {
              const res = await this.post('widget/refresh', {}, auth.token);
              if (res.ok) return this.accept(await res.json());
              const p = await problem(res);
              if (p.status !== 401) throw p;
            }
            /** @type {Record<string, string>} */
            const body = { site_id: this.siteId || '', domain: location.hostname, nonce: random(32) };
            for (const k of ['visitor_id', 'visitor_hash', 'visitor_token'])
              if (this.visitor[k]) body[k] = this.visitor[k];
            const res = await this.post('widget/authenticate', body);
            if (res.ok) return this.accept(await res.json());
            throw await problem(res);
          } catch (e) {
            if (e instanceof Error)
              throw /** @type {Problem} */ ({ status: 0, code: 'offline', detail: e.message, retryAfter: 0 });
            throw e;
          } finally {
            this.authing = null;
          }
        })();
      }
      return this.authing;
    }

    /** @param {any} body the answer of authenticate or refresh @returns {string} */
    accept(body) {
      const exp = Date.parse(body.expires_at) || Date.now() + (Number(body.expires_in) || 3600) * 1e3;
      this.keep({ token: String(body.token), exp, widget: body.widget || {} });
      return String(body.token);
    }

    /**
     * POSTs with the token; on a 401 refreshes or re-authenticates once and POSTs again.
     * @param {string} path @param {unknown} body @param {AbortSignal} [signal]
     * @returns {Promise<Response>} the answer, when it is a success
     */
    async call(path, body, signal) {
      /** @type {Response | undefined} */
      let res;
      for (let attempt = 0; attempt < 2; attempt++) {
        const token = await this.token(attempt > 0);
        res = await this.post(path, body, token, signal);
        if (res.status !== 401) break;
      }
      res = /** @type {Response} */ (res);
      if (!res.ok) throw await problem(res);
      return res;
    }

    /** Sends the contact details of the lead form. @param {Record<string, string | undefined>} body */
    async lead(body) {
      await this.call('widget/leads', body);
    }

    /**
     * Asks, streaming the answer: on.session hears the session the server names, on.update the
     * answer as it grows. An answer that stalls for 60 seconds is aborted; one that breaks off after
     * some text keeps that text (cut).
     * @param {unknown} body @param {AbortSignal} signal aborted when the visitor leaves the conversation
     * @param {AskHandlers} on
     * @returns {Promise<Answered>}
     */
    async ask(body, signal, on) {
      const controller = new AbortController();
      const abort = () => controller.abort();
      if (signal.aborted) abort();
      signal.addEventListener('abort', abort);
      let idle = setTimeout(abort, 60e3);
      try {
        const res = await this.call('ask', body, controller.signal);
        /** @type {Message} */
        const answer = { role: 'assistant', content: '' };
        let lead = false;
        /** @type {any} */
        let failure = null;
        if (!/event-stream/.test(res.headers.get('Content-Type') || '') || !res.body) {
          const json = await res.json();
          answer.content = String(json.answer || '');
          if (Array.isArray(json.sources)) answer.sources = json.sources;
          lead = json.lead_captured === true;
          if (typeof json.session_id === 'string') on.session?.(json.session_id);
        } else {
          try {
            for await (const ev of events(res.body)) {
              clearTimeout(idle);
              idle = setTimeout(abort, 60e3);
              /** @type {any} */
              let data;
              try {
                data = JSON.parse(ev.data);
              } catch {
                continue;
              }
              if (ev.event === 'token' && typeof data?.text === 'string') {
                answer.content += data.text;
                on.update?.(answer);
              } else if (ev.event === 'meta' && typeof data?.session_id === 'string') on.session?.(data.session_id);
              else if (ev.event === 'sources' && Array.isArray(data)) answer.sources = data;
              else if (ev.event === 'done') lead = data?.lead_captured === true;
              else if (ev.event === 'error') failure = data || {};
            }
          } catch (e) {
            // The stream broke or stalled: keep what arrived, unless the visitor left the conversation.
            if (!answer.content.trim() || signal.aborted) throw e;
            failure = { code: 'interrupted' };
          }
        }
        if (!answer.content.trim()) {
          throw /** @type {Problem} */ ({
            status: failure ? 503 : 502,
            code: String(failure?.code || 'no_answer'),
            detail: '',
            retryAfter: 0,
          });
        }
        return { answer, lead, cut: failure != null };
      } catch (e) {
        if (e instanceof Error) {
          // fetch failed (offline, server away) or the stream broke or stalled
          throw /** @type {Problem} */ ({
            status: 0,
            code: controller.signal.aborted ? 'timeout' : 'offline',
            detail: e.message,
            retryAfter: 0,
          });
        }
        throw e;
      } finally {
        clearTimeout(idle);
        signal.removeEventListener('abort', abort);
      }
    }
  }

  // ---- The element: what the visitor sees, the conversation, the lead form ----

  /** "45 seconds", "3 minutes", "about 2 hours". @param {number} s */
  function wait(s) {
    s = Math.max(1, Math.ceil(s));
    if (s < 90) return `${s} second${s === 1 ? '' : 's'}`;
    if (s < 5400) return `${Math.ceil(s / 60)} minutes`;
    if (s < 129600) return `about ${Math.round(s / 3600)} hours`;
    return `about ${Math.round(s / 86400)} days`;
  }

  /** Black or white, whichever reads better on this colour (WCAG contrast). @param {string} hex */
  function onColour(hex) {
    const full = hex.length === 4 ? hex.replace(/\w/g, (c) => c + c) : hex;
    const [r, g, b] = [1, 3, 5].map((i) => {
      const c = parseInt(full.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    const l = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    return (l + 0.05) / 0.05 > 1.05 / (l + 0.05) ? '#111111' : '#ffffff';
  }

  const STYLE = `
:host{all:initial;position:fixed;z-index:2147483000;bottom:20px;right:20px;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;
--y-bg:#17171f;--y-fg:#f2f2f6;--y-muted:#b9b9c6;--y-bot:#272733;--y-line:#3a3a48;--y-field:#1f1f29;--y-link:#9ec1ff;--y-error:#ff9d9d;--y-shadow:0 10px 40px rgba(0,0,0,.45)}
:host([hidden]){display:none!important}
@media print{:host{display:none!important}}
:host([position$=left]){right:auto;left:20px}
:host([position^=top]){bottom:auto;top:20px}
:host([theme=light]){--y-bg:#fff;--y-fg:#1b1b1f;--y-muted:#56565f;--y-bot:#f0f0f4;--y-line:#d9d9e0;--y-field:#fff;--y-link:#0b57d0;--y-error:#b3261e;--y-shadow:0 10px 40px rgba(0,0,0,.18)}
:host([theme=blue]){--y-bg:#0e2140;--y-fg:#eef4ff;--y-muted:#b8c8e6;--y-bot:#18345f;--y-line:#2a4a80;--y-field:#122a4f;--y-link:#a7c8ff;--y-error:#ffb0b0}
:host([theme=green]){--y-bg:#f3faf6;--y-fg:#0f2a1b;--y-muted:#3b5a47;--y-bot:#dcefe3;--y-line:#b7d8c3;--y-field:#fff;--y-link:#075e30;--y-error:#a1261d;--y-shadow:0 10px 40px rgba(0,40,20,.2)}
*{box-sizing:border-box}
[hidden]{display:none!important}
button,input,textarea{font:inherit;color:inherit}
button{cursor:pointer}
:focus-visible{outline:2px solid var(--y-fg);outline-offset:2px}
.launcher{width:56px;height:56px;border-radius:50%;border:0;background:var(--y-primary);color:var(--y-on-primary);box-shadow:0 4px 16px rgba(0,0,0,.3);display:grid;place-items:center}
.launcher:focus-visible{outline:3px solid var(--y-primary);outline-offset:3px;box-shadow:0 0 0 3px #fff}
svg{width:24px;height:24px;fill:currentColor}
.panel{position:absolute;bottom:72px;right:0;width:370px;height:min(600px,calc(100vh - 110px));display:flex;flex-direction:column;background:var(--y-bg);color:var(--y-fg);border:1px solid var(--y-line);border-radius:14px;box-shadow:var(--y-shadow);overflow:hidden}
:host([position$=left]) .panel{right:auto;left:0}
:host([position^=top]) .panel{bottom:auto;top:72px}
header{display:flex;align-items:center;gap:4px;padding:10px 8px 10px 16px;background:var(--y-primary);color:var(--y-on-primary)}
header h2{flex:1;margin:0;font-size:16px;font-weight:600;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.icon{background:none;border:0;border-radius:8px;width:36px;height:36px;display:grid;place-items:center;color:inherit}
.icon:hover{background:rgba(127,127,127,.25)}
header .icon:focus-visible{outline-color:var(--y-on-primary)}
.log{flex:1;overflow-y:auto;padding:14px;display:flex;flex-direction:column;gap:10px;overscroll-behavior:contain}
.log:focus-visible{outline-offset:-3px}
.msg{max-width:85%;padding:9px 12px;border-radius:14px;overflow-wrap:anywhere;word-break:break-word}
.bot{align-self:flex-start;background:var(--y-bot);border-bottom-left-radius:4px}
.user{align-self:flex-end;background:var(--y-primary);color:var(--y-on-primary);border-bottom-right-radius:4px;white-space:pre-wrap}
.msg p{margin:0 0 .5em}.msg p:last-child{margin:0}
.msg ul,.msg ol{margin:.2em 0 .5em;padding-left:1.3em}
.msg pre{margin:.4em 0;padding:8px;border-radius:6px;background:rgba(0,0,0,.28);overflow-x:auto;white-space:pre}
:host([theme=light]) .msg pre,:host([theme=green]) .msg pre{background:rgba(0,0,0,.07)}
.msg code{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.msg .table{margin:.4em 0;overflow-x:auto}
.msg table{border-collapse:collapse;font-size:13px}
.msg th,.msg td{padding:3px 8px;border:1px solid var(--y-line);text-align:left;vertical-align:top;overflow-wrap:normal;word-break:normal}
.msg :not(pre)>code{padding:0 .25em;border-radius:4px;background:rgba(127,127,127,.22)}
.bot a{color:var(--y-link)}
.sources{margin-top:8px;padding-top:6px;border-top:1px solid var(--y-line);font-size:13px}
.sources ul{margin:.2em 0 0;padding-left:1.2em}
.note{align-self:center;max-width:95%;font-size:13px;color:var(--y-muted);text-align:center}
.offer,.ghost{margin-top:8px;padding:6px 12px;border-radius:16px;border:1px solid var(--y-line);background:var(--y-bg);color:var(--y-fg);font-size:13px}
.typing{display:flex;gap:4px;padding:14px 14px}
.typing i{width:7px;height:7px;border-radius:50%;background:var(--y-muted);animation:y-dot 1.2s infinite ease-in-out}
.typing i:nth-child(2){animation-delay:.15s}.typing i:nth-child(3){animation-delay:.3s}
@keyframes y-dot{0%,80%,100%{opacity:.3;transform:translateY(0)}40%{opacity:1;transform:translateY(-3px)}}
@media (prefers-reduced-motion:reduce){.typing i{animation:none}}
.status{margin:0 12px 8px;padding:8px 10px;border-radius:8px;border:1px solid var(--y-line);background:var(--y-bot);font-size:13px}
.status.error{color:var(--y-error)}
.compose{display:flex;align-items:flex-end;gap:8px;padding:10px;border-top:1px solid var(--y-line)}
textarea,input{width:100%;border:1px solid var(--y-line);border-radius:10px;background:var(--y-field);padding:9px 11px;resize:none}
textarea::placeholder{color:var(--y-muted);opacity:1}
.compose textarea{max-height:120px}
.send{flex:none;width:40px;height:40px;border:0;border-radius:50%;background:var(--y-primary);color:var(--y-on-primary);display:grid;place-items:center}
.send:disabled{opacity:.55;cursor:default}
.lead{flex:1;overflow-y:auto;padding:16px;display:flex;flex-direction:column;gap:10px}
.lead h3{margin:0;font-size:15px}
.lead label{display:flex;flex-direction:column;gap:4px;font-size:13px;color:var(--y-muted)}
.lead [aria-invalid=true]{border-color:var(--y-error)}
.err{margin:0;color:var(--y-error);font-size:13px}
.row{display:flex;gap:8px;justify-content:flex-end}
.primary{padding:8px 16px;border:0;border-radius:18px;background:var(--y-primary);color:var(--y-on-primary);font-weight:600}
.row .ghost{margin:0;padding:8px 14px;border-radius:18px}
.sr{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
@media (max-width:480px){.panel{position:fixed;inset:0;width:100%;height:100%;border-radius:0;border:0}}
`;

  class YunoChat extends HTMLElement {
    constructor() {
      super();
      this.root = this.attachShadow({ mode: 'open' });
      /** @type {YunoConnection | null} */
      this.connection = null;
      /** @type {AbortController | null} */
      this.inflight = null;
      this.busy = false;
      this.until = 0;
      this.started = false;
      /** @type {Record<string, string>} what the tag itself says */
      this.tag = {};
      this.siteId = '';
      this.convKey = '';
      this.openKey = '';
      /** @type {Conversation | null} */
      this.conv = null;
    }

    connectedCallback() {
      if (this.started) return;
      this.started = true;
      this.hidden = true;
      for (const name of ATTRS) {
        const v = this.getAttribute(name);
        if (v != null && v.trim()) this.tag[name] = v.trim();
      }
      this.siteId = this.tag.site_id || '';
      if (!/^[A-Za-z0-9]{16}$/.test(this.siteId)) {
        console.warn('Yuno: the script tag needs a site_id of 16 letters and digits.');
        return;
      }
      let base = this.tag.api_base || location.origin + '/';
      if (!/\/$/.test(base)) base += '/';
      this.convKey = `yuno:conversation:${this.siteId}`;
      this.openKey = `yuno:open:${this.siteId}`;
      /** @type {Record<string, string>} */
      const visitor = {};
      for (const k of ['visitor_id', 'visitor_hash', 'visitor_token']) if (this.tag[k]) visitor[k] = this.tag[k];
      this.connection = new YunoConnection(this.siteId, base, visitor);
      // The launcher shows once there is a token; a refused site never shows it.
      this.connection.connect(() => this.build());
    }

    disconnectedCallback() {
      this.connection?.close();
    }

    /** The stored conversation, or a new one. @returns {Conversation} */
    conversation() {
      const c = local.get(this.convKey || '');
      if (c && typeof c.session_id === 'string' && Array.isArray(c.messages)) {
        c.messages = c.messages.filter(
          (/** @type {any} */ m) => m && (m.role === 'user' || m.role === 'assistant') && typeof m.content === 'string',
        );
        return c;
      }
      return { session_id: random(24), messages: [] };
    }

    save() {
      const c = this.conv;
      if (c) {
        c.messages = c.messages.slice(-MAX_STORED);
        local.set(this.convKey || '', c);
      }
    }

    build() {
      if (this.launcher || !this.connection) return; // already built (a retried start may finish twice)
      const w = this.connection.config;
      const tag = this.tag;
      const pick = (/** @type {unknown[]} */ values, /** @type {string[]} */ allowed, /** @type {string} */ fallback) =>
        /** @type {string[]} */ (values.filter((v) => typeof v === 'string'))
          .map((v) => v.toLowerCase())
          .find((v) => allowed.includes(v)) || fallback;
      const theme = pick([tag.theme, w.theme], THEMES, 'dark');
      const colour =
        [tag.primary_color, w.primary_color].find((v) => typeof v === 'string' && HEX.test(v)) || '#FF6B35';
      this.botName = (typeof w.bot_name === 'string' && w.bot_name.trim()) || 'Yuno';
      this.welcome =
        tag.welcome_message ||
        (typeof w.welcome_message === 'string' && w.welcome_message) ||
        'Hi! How can I help you today?';
      this.leadCapture = w.lead_capture === true;
      this.setAttribute('theme', theme);
      this.setAttribute('position', pick([tag.position, w.position], POSITIONS, 'bottom-right'));
      this.style.setProperty('--y-primary', colour);
      this.style.setProperty('--y-on-primary', onColour(colour));

      try {
        const sheet = new CSSStyleSheet();
        sheet.replaceSync(STYLE);
        this.root.adoptedStyleSheets = [sheet];
      } catch {
        this.root.append(h('style', {}, STYLE));
      }
      const name = this.botName;
      this.launcher = h(
        'button',
        {
          class: 'launcher',
          part: 'launcher',
          type: 'button',
          'aria-label': `Open chat with ${name}`,
          'aria-expanded': 'false',
          'aria-controls': 'panel',
          onclick: () => this.toggle(true),
        },
        icon(ICONS.chat),
      );
      // Not role=log: that is a live region too, and would read out every streamed fragment.
      this.log = h('div', {
        class: 'log',
        part: 'messages',
        role: 'region',
        'aria-label': 'Conversation',
        tabindex: 0,
      });
      this.live = h('div', { class: 'sr', 'aria-live': 'polite', 'aria-atomic': 'true' });
      this.statusEl = h('div', { class: 'status', part: 'status', role: 'status', hidden: true });
      this.input = h('textarea', {
        id: 'q',
        rows: 1,
        maxlength: this.connection.limits.max_message_chars,
        placeholder: 'Type your message…',
        part: 'input',
        enterkeyhint: 'send',
        oninput: () => this.grow(),
        onkeydown: (/** @type {KeyboardEvent} */ e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            this.send();
          }
        },
      });
      this.sendBtn = h(
        'button',
        { class: 'send', part: 'send', type: 'submit', 'aria-label': 'Send message' },
        icon(ICONS.send),
      );
      this.compose = h(
        'form',
        {
          class: 'compose',
          part: 'composer',
          onsubmit: (/** @type {Event} */ e) => {
            e.preventDefault();
            this.send();
          },
        },
        h('label', { class: 'sr', for: 'q' }, `Message to ${name}`),
        this.input,
        this.sendBtn,
      );
      this.leadForm = this.leadCapture ? this.buildLeadForm() : null;
      this.root.addEventListener('keydown', (/** @type {any} */ e) => {
        if (e.key !== 'Escape' || !this.panel || this.panel.hidden) return;
        e.stopPropagation();
        if (this.leadForm && !this.leadForm.hidden) this.showLead(false);
        else this.toggle(false);
      });
      this.panel = h(
        'section',
        { class: 'panel', part: 'panel', id: 'panel', role: 'dialog', 'aria-labelledby': 'title', hidden: true },
        h(
          'header',
          { part: 'header' },
          h('h2', { id: 'title' }, name),
          this.leadCapture &&
            h(
              'button',
              {
                class: 'icon',
                type: 'button',
                'aria-label': 'Leave your contact details',
                title: 'Leave your contact details',
                onclick: () => this.showLead(true),
              },
              icon(ICONS.mail),
            ),
          h(
            'button',
            {
              class: 'icon',
              type: 'button',
              'aria-label': 'New conversation',
              title: 'New conversation',
              onclick: () => this.reset(),
            },
            icon(ICONS.plus),
          ),
          h(
            'button',
            {
              class: 'icon',
              type: 'button',
              'aria-label': 'Close chat',
              title: 'Close chat',
              onclick: () => this.toggle(false),
            },
            icon(ICONS.close),
          ),
        ),
        this.log,
        this.leadForm,
        this.statusEl,
        this.compose,
        this.live,
      );
      this.root.append(this.launcher, this.panel);

      this.conv = this.conversation();
      this.renderAll();
      addEventListener('offline', () =>
        this.status('You are offline. Your messages will send once you are back online.', true),
      );
      addEventListener('online', () => {
        if (/offline/.test(this.statusEl?.textContent || '')) this.status('');
      });
      this.hidden = false;
      if (session.get(this.openKey)) this.toggle(true, false);
    }

    buildLeadForm() {
      /** @param {string} label @param {string} name @param {Record<string, string | number>} attrs */
      const field = (label, name, attrs) =>
        h(
          'label',
          {},
          label,
          name === 'message'
            ? h('textarea', { name, rows: 3, maxlength: 2000, ...attrs })
            : h('input', { name, ...attrs }),
        );
      this.leadError = h('p', { class: 'err', id: 'lead-err', role: 'alert' });
      return h(
        'form',
        {
          class: 'lead',
          part: 'lead-form',
          hidden: true,
          novalidate: true,
          'aria-labelledby': 'lead-title',
          onsubmit: (/** @type {Event} */ e) => {
            e.preventDefault();
            this.submitLead();
          },
        },
        h('h3', { id: 'lead-title' }, 'Leave your details and we will get back to you.'),
        field('Name', 'name', { autocomplete: 'name', maxlength: 200 }),
        field('Email', 'email', {
          type: 'email',
          autocomplete: 'email',
          maxlength: 254,
          'aria-describedby': 'lead-err',
        }),
        field('Phone', 'phone', { type: 'tel', autocomplete: 'tel', maxlength: 32, 'aria-describedby': 'lead-err' }),
        field('Message', 'message', {}),
        this.leadError,
        h(
          'div',
          { class: 'row' },
          h('button', { class: 'ghost', type: 'button', onclick: () => this.showLead(false) }, 'Cancel'),
          h('button', { class: 'primary', type: 'submit' }, 'Send details'),
        ),
      );
    }

    /** @param {boolean} open @param {boolean} [focus] */
    toggle(open, focus = true) {
      if (!this.panel || !this.launcher) return;
      this.panel.hidden = !open;
      this.launcher.setAttribute('aria-expanded', String(open));
      this.launcher.setAttribute('aria-label', `${open ? 'Close' : 'Open'} chat with ${this.botName}`);
      this.launcher.replaceChildren(icon(open ? ICONS.close : ICONS.chat));
      session.set(this.openKey, open || undefined);
      if (open) {
        this.toBottom(true);
        if (focus) this.input?.focus();
      } else if (focus) {
        this.launcher.focus();
      }
    }

    grow() {
      const t = this.input;
      if (!t) return;
      t.style.height = 'auto';
      t.style.height = `${Math.min(t.scrollHeight + 2, 120)}px`;
    }

    /** @param {boolean} [force] */
    toBottom(force) {
      const log = this.log;
      if (log && (force || log.scrollHeight - log.scrollTop - log.clientHeight < 80)) log.scrollTop = log.scrollHeight;
    }

    /** @param {string} text @param {boolean} [error] */
    status(text, error = false) {
      const s = this.statusEl;
      if (!s) return;
      s.textContent = text;
      s.hidden = !text;
      s.classList.toggle('error', error);
    }

    /** @param {string} text */
    announce(text) {
      if (this.live) this.live.textContent = text;
    }

    renderAll() {
      if (!this.log || !this.conv) return;
      this.log.replaceChildren(this.bubble({ role: 'assistant', content: this.welcome || '' }));
      for (const m of this.conv.messages) this.log.append(this.bubble(m));
      this.toBottom(true);
    }

    /**
     * One message as elements, the same for history and for streaming (called again as tokens arrive).
     * @param {Message} m @param {HTMLElement} [into] @returns {HTMLElement}
     */
    bubble(m, into) {
      const user = m.role === 'user';
      const el =
        into ||
        h('div', {
          class: `msg ${m.note ? 'note' : user ? 'user' : 'bot'}`,
          part: `message ${user ? 'user' : 'assistant'}-message`,
        });
      el.replaceChildren(h('span', { class: 'sr' }, user ? 'You: ' : `${this.botName}: `));
      if (user || m.note) el.append(m.content);
      else el.append(markdown(m.content));
      const sources = Array.isArray(m.sources) ? this.sources(m.sources) : null;
      if (sources) el.append(sources);
      if (m.offer && this.leadCapture && !this.conv?.lead) {
        el.append(
          h(
            'button',
            { class: 'offer', type: 'button', onclick: () => this.showLead(true) },
            'Leave your contact details',
          ),
        );
      }
      return el;
    }

    /** Sources as links, when their URL is http(s); anything else as text. @param {Source[]} list */
    sources(list) {
      const ul = h('ul');
      const seen = new Set();
      for (const s of list.slice(0, 8)) {
        if (!s || typeof s !== 'object') continue;
        const url = typeof s.url === 'string' ? s.url : '';
        const title = (typeof s.title === 'string' && s.title.trim()) || url || 'Source';
        if (seen.has(url || title)) continue;
        seen.add(url || title);
        const href = safeUrl(url, /^https?:$/);
        ul.append(h('li', {}, href ? link(href, title) : h('span', {}, title)));
      }
      return ul.childElementCount
        ? h('div', { class: 'sources', part: 'sources' }, h('span', {}, 'Sources'), ul)
        : null;
    }

    /** The turns sent to /ask: the latest, within the server's limits. */
    history() {
      /** @type {{role: string, content: string}[]} */
      const out = [];
      let total = 0;
      const limits = /** @type {YunoConnection} */ (this.connection).limits;
      const all = this.conv?.messages || [];
      for (let i = all.length - 1; i >= 0 && out.length < limits.max_messages; i--) {
        const m = all[i];
        if (m.note || !m.content.trim()) continue;
        const content = plain(m.content).slice(0, limits.max_message_chars);
        if (total + content.length > limits.max_total_chars) break;
        total += content.length;
        out.unshift({ role: m.role, content });
      }
      return out;
    }

    async send() {
      const input = this.input;
      const conv = this.conv;
      if (!input || !conv || !this.log || this.busy) return;
      const text = plain(input.value).trim();
      if (!text) return;
      if (Date.now() < this.until) {
        this.status(`You have sent many messages. Please try again in ${wait((this.until - Date.now()) / 1e3)}.`, true);
        return;
      }
      if (!navigator.onLine) {
        this.status('You are offline. Check your connection, then send your message again.', true);
        return;
      }
      this.status('');
      input.value = '';
      this.grow();
      /** @type {Message} */
      const question = {
        role: 'user',
        content: text.slice(0, /** @type {YunoConnection} */ (this.connection).limits.max_message_chars),
      };
      conv.messages.push(question);
      this.save();
      const mine = this.bubble(question);
      const typing = h(
        'div',
        { class: 'msg bot typing', part: 'typing' },
        h('span', { class: 'sr' }, `${this.botName} is typing`),
        h('i'),
        h('i'),
        h('i'),
      );
      this.log.append(mine, typing);
      this.toBottom(true);
      this.busy = true;
      if (this.sendBtn) this.sendBtn.disabled = true;
      const controller = new AbortController();
      this.inflight = controller;
      try {
        await this.ask(controller.signal, typing);
      } catch (e) {
        if (controller.signal.aborted && this.inflight !== controller) return; // a new conversation began
        typing.remove();
        if (!e || !(/** @type {any} */ (e).kept)) {
          // Not answered: take the question back, so that it can be sent again as it was.
          mine.remove();
          conv.messages.splice(conv.messages.indexOf(question), 1);
          this.save();
          if (!input.value) {
            input.value = text;
            this.grow();
          }
        }
        this.failed(/** @type {Problem} */ (e));
      } finally {
        if (this.inflight === controller) {
          this.inflight = null;
          this.busy = false;
          if (this.sendBtn) this.sendBtn.disabled = false;
        }
      }
    }

    /**
     * Asks, streaming the answer into the conversation as it arrives.
     * @param {AbortSignal} signal @param {HTMLElement} typing
     */
    async ask(signal, typing) {
      const conv = /** @type {Conversation} */ (this.conv);
      const body = {
        messages: this.history(),
        session_id: conv.session_id,
        page_url: /^https?:$/.test(location.protocol) ? location.origin + location.pathname : undefined,
      };
      let el = /** @type {HTMLElement | null} */ (null);
      /** @param {Message} answer */
      const show = (answer) => {
        if (!el) {
          el = this.bubble(answer);
          typing.replaceWith(el);
        } else this.bubble(answer, el);
        this.toBottom();
      };
      let pending = 0;
      /** @type {Answered} */
      let answered;
      try {
        answered = await /** @type {YunoConnection} */ (this.connection).ask(body, signal, {
          session: (id) => {
            conv.session_id = id;
          },
          update: (answer) => {
            pending ||= window.setTimeout(() => {
              pending = 0;
              show(answer);
            }, 40);
          },
        });
      } finally {
        clearTimeout(pending);
      }
      const { answer, lead, cut } = answered;
      if (lead) conv.lead = true;
      answer.offer = this.leadCapture && !conv.lead && ASKS_FOR_CONTACT.test(answer.content);
      conv.messages.push(answer);
      this.save();
      show(answer);
      this.announce(`${this.botName}: ${markdown(answer.content).textContent}`);
      if (cut) this.status('The answer was cut short. Please ask again.', true);
    }

    /** The friendly state of a failure. @param {Problem} p */
    failed(p) {
      let text = 'Something went wrong. Please try again.';
      if (p.status === 429) {
        const after = p.retryAfter || 60;
        this.until = Date.now() + after * 1e3;
        text = `You have sent many messages. Please try again in ${wait(after)}.`;
      } else if (p.status === 503 || p.status === 502 || p.code === 'timeout') {
        text = 'The assistant is not available right now. Please try again in a moment.';
      } else if (p.status === 0) {
        text = navigator.onLine
          ? 'Cannot reach the assistant. Check your connection and try again.'
          : 'You are offline. Check your connection, then send your message again.';
      } else if (p.status === 403) {
        text = 'This chat is not available right now.';
        if (this.input) this.input.disabled = true;
        if (this.sendBtn) this.sendBtn.hidden = true;
      } else if (p.status === 400 || p.status === 413) {
        text = 'That message could not be sent. Please shorten or rephrase it.';
      }
      this.status(text, true);
      this.announce(text);
    }

    reset() {
      this.inflight?.abort();
      this.inflight = null;
      this.busy = false;
      if (this.sendBtn) this.sendBtn.disabled = false;
      this.conv = { session_id: random(24), messages: [] };
      this.save();
      this.status('');
      this.showLead(false, false);
      this.renderAll();
      this.announce('New conversation started.');
      this.input?.focus();
    }

    /** @param {boolean} open @param {boolean} [focus] */
    showLead(open, focus = true) {
      const form = this.leadForm;
      if (!form || !this.log || !this.compose) return;
      form.hidden = !open;
      this.log.hidden = open;
      this.compose.hidden = open;
      if (open) {
        this.status('');
        if (focus) /** @type {HTMLElement} */ (form.querySelector('input'))?.focus();
      } else if (focus) this.input?.focus();
    }

    async submitLead() {
      const form = /** @type {HTMLFormElement} */ (this.leadForm);
      const get = (/** @type {string} */ n) => /** @type {HTMLInputElement} */ (form.elements.namedItem(n));
      const [name, email, phone, message] = ['name', 'email', 'phone', 'message'].map(get);
      for (const f of [name, email, phone, message]) f.value = plain(f.value).trim();
      for (const f of [email, phone]) f.removeAttribute('aria-invalid');
      /** @type {[HTMLInputElement, string] | null} */
      let bad = null;
      const digits = phone.value.replace(/\D/g, '');
      if (!email.value && !phone.value) bad = [email, 'Please give an email address or a phone number.'];
      else if (email.value && !/^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/.test(email.value))
        bad = [email, 'Please check the email address.'];
      else if (phone.value && (!/^\+?[\d\s().-]+$/.test(phone.value) || digits.length < 7 || digits.length > 15))
        bad = [phone, 'Please check the phone number (7 to 15 digits, with + and the country code if you can).'];
      const error = /** @type {HTMLElement} */ (this.leadError);
      if (bad) {
        bad[0].setAttribute('aria-invalid', 'true');
        error.textContent = bad[1];
        bad[0].focus();
        return;
      }
      error.textContent = '';
      const submit = /** @type {HTMLButtonElement} */ (form.querySelector('[type=submit]'));
      submit.disabled = true;
      const conv = /** @type {Conversation} */ (this.conv);
      const body = {
        session_id: conv.session_id,
        name: name.value || undefined,
        email: email.value || undefined,
        phone: phone.value || undefined,
        message: message.value || undefined,
      };
      try {
        await /** @type {YunoConnection} */ (this.connection).lead(body);
        conv.lead = true;
        form.reset();
        const note = {
          role: /** @type {const} */ ('assistant'),
          content: 'Thank you! We have your details and will get back to you soon.',
          note: true,
        };
        conv.messages.push(note);
        this.save();
        this.showLead(false);
        this.renderAll();
        this.announce(note.content);
      } catch (e) {
        const p = /** @type {Problem} */ (e);
        error.textContent =
          p.status === 429
            ? `Too many attempts. Please try again in ${wait(p.retryAfter || 60)}.`
            : p.status === 400 && p.detail
              ? `Please check your details: ${p.detail}`
              : p.status
                ? 'Your details could not be sent. Please try again later.'
                : 'Cannot reach the server. Check your connection and try again.';
      } finally {
        submit.disabled = false;
      }
    }
  }

  if (!customElements.get(TAG)) customElements.define(TAG, YunoChat);

  // The install snippet: read our own <script> tag and put one <yuno-chat> on the page.
  const script =
    /** @type {HTMLScriptElement | null} */ (document.currentScript) ||
    document.querySelector('script[site_id][src*="yuno.js"]');
  if (!script || !script.getAttribute('site_id')) return;
  const mount = () => {
    if (document.querySelector(`${TAG}[site_id="${CSS.escape(script.getAttribute('site_id') || '')}"]`)) return;
    const el = document.createElement(TAG);
    for (const name of ATTRS) {
      const v = script.getAttribute(name);
      if (v != null) el.setAttribute(name, v);
    }
    if (!el.hasAttribute('api_base')) el.setAttribute('api_base', new URL('.', script.src || location.href).href);
    document.body.append(el);
  };
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount);
})();
