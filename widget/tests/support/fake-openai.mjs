// A fake OpenAI-compatible server on loopback: chat completions (JSON or streamed as SSE chunks) and
// embeddings. Tests script its answers by a phrase of the visitor's question.
import { createServer } from 'node:http';

/** @typedef {{text?: string, status?: number, chunks?: number, delayMs?: number, firstDelayMs?: number}} Reply */

const DIMENSIONS = 1536;
// Every text gets the same unit vector: each test site holds one document, which is then always
// the best match, whatever the similarity threshold of the retriever.
const VECTOR = Array.from({ length: DIMENSIONS }, (_, i) => (i === 0 ? 1 : 0));

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function readJson(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  try {
    return JSON.parse(body || '{}');
  } catch {
    return {};
  }
}

/** The text of a message's content, which may be a string or an array of parts. */
function textOf(content) {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => (typeof p === 'string' ? p : p?.text || '')).join(' ');
  return '';
}

/**
 * The plainest value that follows a JSON schema (structured outputs are strict: every property
 * present), so that the backend's classifiers and extractors get well-formed, empty-handed answers.
 */
export function sampleOf(schema, root = schema, depth = 0) {
  if (!schema || typeof schema !== 'object' || depth > 8) return null;
  if (schema.$ref) {
    const target = schema.$ref
      .replace(/^#\//, '')
      .split('/')
      .reduce((node, key) => node?.[key], root);
    return sampleOf(target, root, depth + 1);
  }
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum.find((v) => v !== null) ?? null;
  const options = schema.anyOf || schema.oneOf;
  if (Array.isArray(options)) {
    if (options.some((o) => o.type === 'null')) return null;
    return sampleOf(options[0], root, depth + 1);
  }
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.includes('null')) return null;
  switch (types[0]) {
    case 'object':
      return Object.fromEntries(
        Object.entries(schema.properties || {}).map(([k, v]) => [k, sampleOf(v, root, depth + 1)]),
      );
    case 'array':
      return [];
    case 'string':
      return '';
    case 'integer':
    case 'number':
      return 0;
    case 'boolean':
      return false;
    default:
      return null;
  }
}

export class FakeOpenAI {
  constructor() {
    /** @type {{phrase: string, reply: Reply}[]} */
    this.scripts = [];
    this.requests = [];
    this.server = createServer((req, res) =>
      this.handle(req, res).catch((e) => {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error: { message: String(e) } }));
      }),
    );
  }

  /** Answers questions that contain this phrase with this reply. */
  when(phrase, reply) {
    this.scripts.unshift({ phrase: phrase.toLowerCase(), reply: typeof reply === 'string' ? { text: reply } : reply });
  }

  /** @returns {Reply} */
  replyFor(body) {
    const messages = Array.isArray(body.messages) ? body.messages : [];
    const users = messages.filter((m) => m.role === 'user').map((m) => textOf(m.content).toLowerCase());
    const everything = messages.map((m) => textOf(m.content).toLowerCase()).join('\n');
    // The last user turn first: it is the question being answered.
    for (const haystack of [users.at(-1) || '', everything]) {
      for (const s of this.scripts) if (haystack.includes(s.phrase)) return s.reply;
    }
    return { text: 'Thanks for your question! Here is what I know.' };
  }

  async handle(req, res) {
    const body = req.method === 'POST' ? await readJson(req) : {};
    this.requests.push({ path: req.url, body });
    if (req.url?.endsWith('/embeddings')) {
      const inputs = Array.isArray(body.input) ? body.input : [body.input];
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          object: 'list',
          data: inputs.map((_, index) => ({ object: 'embedding', index, embedding: VECTOR })),
          model: body.model || 'text-embedding-3-small',
          usage: { prompt_tokens: 8 * inputs.length, total_tokens: 8 * inputs.length },
        }),
      );
      return;
    }
    if (!req.url?.endsWith('/chat/completions')) {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'not found' } }));
      return;
    }
    const reply = this.replyFor(body);
    if (reply.status && reply.status >= 400) {
      res.writeHead(reply.status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'The fake model is unavailable', type: 'server_error' } }));
      return;
    }
    const format = body.response_format?.type;
    const schema = body.response_format?.json_schema?.schema;
    const text =
      format === 'json_schema' ? JSON.stringify(sampleOf(schema)) : format === 'json_object' ? '{}' : reply.text || '';
    const id = `chatcmpl-${Math.random().toString(36).slice(2)}`;
    const created = Math.floor(Date.now() / 1000);
    const model = body.model || 'gpt-4o-mini';
    const usage = { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 };
    if (!body.stream) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          id,
          object: 'chat.completion',
          created,
          model,
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content: text, refusal: null },
              logprobs: null,
              finish_reason: 'stop',
            },
          ],
          usage,
        }),
      );
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    const chunk = (delta, finish = null) =>
      `data: ${JSON.stringify({
        id,
        object: 'chat.completion.chunk',
        created,
        model,
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      })}\n\n`;
    res.write(chunk({ role: 'assistant', content: '' }));
    if (reply.firstDelayMs) await sleep(reply.firstDelayMs);
    const parts = Math.max(1, Math.min(reply.chunks || 6, text.length));
    const size = Math.ceil(text.length / parts);
    for (let i = 0; i < text.length; i += size) {
      res.write(chunk({ content: text.slice(i, i + size) }));
      if (reply.delayMs) await sleep(reply.delayMs);
    }
    res.write(chunk({}, 'stop'));
    if (body.stream_options?.include_usage) {
      res.write(
        `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [], usage })}\n\n`,
      );
    }
    res.end('data: [DONE]\n\n');
  }

  /** @returns {Promise<number>} the port */
  listen() {
    return new Promise((resolve) => this.server.listen(0, '127.0.0.1', () => resolve(this.server.address().port)));
  }

  close() {
    this.server.closeAllConnections?.();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
