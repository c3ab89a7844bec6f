// @ts-check
// The owner/operator API with the key of this browser tab's session: kept in sessionStorage (gone
// when the tab closes), sent as the Bearer header, and forgotten on sign-out, after a long idle
// time, or as soon as the server no longer accepts it.

const KEY = 'yuno.console.key';
const ROLE = 'yuno.console.role';
const SITE = 'yuno.console.site';
const EXPIRES = 'yuno.console.expires';
const NOTICE = 'yuno.console.notice';
/** A session ends after this long without a call. */
export const IDLE_MS = 8 * 60 * 60 * 1000;

/** An answer of the API that is not a success, with its problem document's code and detail. */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string} detail
   */
  constructor(status, code, detail) {
    super(detail || `HTTP ${status}`);
    this.status = status;
    this.code = code;
    this.detail = detail;
  }
}

/** @typedef {{key: string, role: 'owner' | 'operator', siteId: string | null}} Session */

export const session = {
  /** The current session, or null (with the reason kept for the sign-in page). @returns {Session | null} */
  current() {
    const key = sessionStorage.getItem(KEY);
    if (!key) return null;
    const expires = Number(sessionStorage.getItem(EXPIRES) || 0);
    if (!(expires > Date.now())) {
      this.forget('expired');
      return null;
    }
    const role = sessionStorage.getItem(ROLE) === 'operator' ? 'operator' : 'owner';
    return { key, role, siteId: sessionStorage.getItem(SITE) };
  },
  /** @param {Session} s */
  start(s) {
    sessionStorage.setItem(KEY, s.key);
    sessionStorage.setItem(ROLE, s.role);
    if (s.siteId) sessionStorage.setItem(SITE, s.siteId);
    else sessionStorage.removeItem(SITE);
    sessionStorage.removeItem(NOTICE);
    this.touch();
  },
  touch() {
    sessionStorage.setItem(EXPIRES, String(Date.now() + IDLE_MS));
  },
  /** @param {string} key a rotated owner key that replaces the one in use */
  replaceKey(key) {
    sessionStorage.setItem(KEY, key);
  },
  /** @param {'signed-out' | 'expired' | 'rejected'} reason */
  forget(reason) {
    for (const k of [KEY, ROLE, SITE, EXPIRES]) sessionStorage.removeItem(k);
    sessionStorage.setItem(NOTICE, reason);
  },
  /** Why the last session ended, once. */
  takeNotice() {
    const notice = sessionStorage.getItem(NOTICE);
    sessionStorage.removeItem(NOTICE);
    return notice;
  },
};

/**
 * Calls the API with a key.
 * @param {string} key
 * @param {string} method
 * @param {string} path
 * @param {{json?: unknown, form?: FormData, accept?: string}} [options]
 * @returns {Promise<any>} the parsed JSON, a Blob for other types, or null for 204
 */
export async function call(key, method, path, { json, form, accept = 'application/json' } = {}) {
  /** @type {Record<string, string>} */
  const headers = { Authorization: `Bearer ${key}`, Accept: accept };
  /** @type {BodyInit | undefined} */
  let body;
  if (json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(json);
  } else if (form) {
    body = form;
  }
  let res;
  try {
    res = await fetch(path, { method, headers, body, cache: 'no-store', credentials: 'omit' });
  } catch {
    throw new ApiError(0, 'network', 'Yuno could not be reached. Check the connection and try again.');
  }
  if (res.status === 204) return null;
  const type = res.headers.get('Content-Type') || '';
  if (!res.ok) {
    let code = 'error';
    let detail = `The server answered ${res.status}.`;
    if (type.includes('json')) {
      const problem = await res.json().catch(() => ({}));
      code = typeof problem.code === 'string' ? problem.code : code;
      detail = typeof problem.detail === 'string' ? problem.detail : detail;
    }
    throw new ApiError(res.status, code, detail);
  }
  return type.includes('json') ? res.json() : res.blob();
}
