// Checks of yuno.js as a file: its size on the wire and the absence of HTML sinks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gzipSync, constants } from 'node:zlib';
import { widgetSource } from './support/harness.mjs';

const source = widgetSource();
const text = source.toString('utf8');

test('yuno.js stays under 20 KB gzipped', () => {
  const gzipped = gzipSync(source, { level: constants.Z_DEFAULT_COMPRESSION }).length;
  console.log(`yuno.js: ${source.length} bytes, ${gzipped} bytes gzipped (${(gzipped / 1024).toFixed(1)} KiB)`);
  assert.ok(gzipped < 20 * 1024, `gzipped size ${gzipped} bytes`);
});

test('yuno.js is type-checked JavaScript with no build step', () => {
  assert.match(text, /^\/\/ @ts-check\n/);
  assert.doesNotMatch(text, /^\s*(import|export)\s/m, 'a classic script, loadable by a plain <script src> tag');
});

test('yuno.js never parses text as HTML or code', () => {
  for (const sink of [
    'innerHTML',
    'outerHTML',
    'insertAdjacentHTML',
    'document.write',
    'srcdoc',
    'createContextualFragment',
    'DOMParser',
    'eval(',
    'new Function',
    'setHTML',
  ]) {
    assert.ok(!text.includes(sink), `yuno.js uses ${sink}`);
  }
  // Every link it makes goes through the scheme check.
  assert.equal((text.match(/h\('a'/g) || []).length, 1, 'one place makes links');
});
