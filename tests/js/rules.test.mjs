// The generated _headers and _redirects, read by Netlify's own parsers and matched by its redirect engine.
// A site is built from the shipped content with a withdrawn review and a renamed one added, for production
// and for a deploy preview. Netlify applies every header rule that matches a path, combining a header that
// several set; so each path must get its policy and its Cache-Control from exactly one rule.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, test } from 'node:test';

import { parseAllHeaders } from '@netlify/headers-parser';
import { parseAllRedirects } from '@netlify/redirect-parser';
import redirector from 'netlify-redirector';

const ROOT = new URL('../../', import.meta.url).pathname;
const BASE = 'https://dhr.example.org';
let dir;
const sites = {};

const build = (content, out, context) => {
  const run = spawnSync('python3', ['-m', 'generator', 'build', '--content', content, '--out', out,
    '--base-url', BASE, '--context', context, '--no-cache'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
};

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dhr-rules-'));
  const content = join(dir, 'content');
  await cp(join(ROOT, 'content'), content, { recursive: true });
  const diana = join(content, 'reviews', 'diana', 'review.md');
  await writeFile(diana, (await readFile(diana, 'utf8')).replace('---\n', '---\naliases: [old-diana, diana-2023]\n'));
  await cp(join(content, 'reviews', 'mary'), join(content, 'reviews', 'taken-down'), { recursive: true });
  const gone = join(content, 'reviews', 'taken-down', 'review.md');
  await writeFile(gone, (await readFile(gone, 'utf8')).replace(/^status: .*$/m, 'status: withdrawn'));
  for (const context of ['production', 'preview']) {
    sites[context] = join(dir, context);
    build(content, sites[context], context);
  }
});

after(() => rm(dir, { recursive: true, force: true }));

const files = async (site) => (await readdir(site, { recursive: true, withFileTypes: true }))
  .filter((e) => e.isFile() && !e.name.startsWith('_'))
  .map((e) => '/' + relative(site, join(e.parentPath, e.name)));

const addresses = (file) => file.endsWith('/index.html') ? [file, file.slice(0, -'index.html'.length)] : [file];

// Every header a path gets, each with the values of every rule that sets it.
const headersOf = async (site) => {
  const { headers, errors } = await parseAllHeaders({ headersFiles: [join(site, '_headers')], minimal: false,
    configHeaders: [] });
  assert.deepEqual(errors, []);
  return (path) => {
    const got = {};
    for (const rule of headers.filter((h) => h.forRegExp.test(path))) {
      for (const [name, value] of Object.entries(rule.values)) (got[name.toLowerCase()] ??= []).push(value);
    }
    return got;
  };
};

test('every page and data file gets the public policy and exactly one Cache-Control', async () => {
  const of = await headersOf(sites.production);
  const paths = (await files(sites.production)).filter((f) => !f.startsWith('/admin/')).flatMap(addresses);
  assert.ok(paths.length > 100);
  for (const path of paths) {
    const got = of(path);
    assert.equal(got['content-security-policy']?.length, 1, `${path}: ${got['content-security-policy']}`);
    assert.match(got['content-security-policy'][0], /^default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self';/, path);
    assert.equal(got['cache-control']?.length, 1, `${path}: ${got['cache-control']}`);
    assert.deepEqual(got['x-robots-tag'], undefined, path);
  }
});

test('fingerprinted assets are immutable; pages revalidate', async () => {
  const of = await headersOf(sites.production);
  const assets = (await files(sites.production)).filter((f) => /^\/assets\/.+\.[0-9a-f]{10}\.(css|js)$/.test(f));
  assert.ok(assets.length >= 2);
  for (const path of assets) assert.deepEqual(of(path)['cache-control'], ['public, max-age=31536000, immutable']);
  assert.deepEqual(of('/reviews/diana/')['cache-control'], ['public, max-age=0, must-revalidate']);
});

test('/admin/ gets its own rule: its own policy, noindex, its bundle cached for good', async () => {
  const of = await headersOf(sites.production);
  const admin = (await files(sites.production)).filter((f) => f.startsWith('/admin/')).flatMap(addresses);
  assert.ok(admin.includes('/admin/') && admin.includes('/admin/config.yml'));
  for (const path of admin) {
    const got = of(path);
    assert.equal(got['content-security-policy']?.length, 1, path);
    assert.match(got['content-security-policy'][0], /style-src 'self' 'unsafe-inline'; .*connect-src 'self' blob: data: https:\/\/api\.github\.com/, path);
    assert.deepEqual(got['x-robots-tag'], ['noindex'], path);
    assert.equal(got['cache-control']?.length, 1, path);
    assert.deepEqual(got['cross-origin-opener-policy'], ['same-origin-allow-popups'], path);
  }
  assert.deepEqual(of(admin.find((p) => p.endsWith('/cms.js')))['cache-control'], ['public, max-age=31536000, immutable']);
});

test('a deploy preview sends X-Robots-Tag: noindex for every path', async () => {
  const of = await headersOf(sites.preview);
  for (const path of (await files(sites.preview)).flatMap(addresses)) {
    assert.ok(of(path)['x-robots-tag']?.every((v) => v === 'noindex'), path);
  }
});

const matcherOf = async (site) => {
  const { redirects, errors } = await parseAllRedirects({ redirectsFiles: [join(site, '_redirects')], minimal: false,
    configRedirects: [] });
  assert.deepEqual(errors, []);
  const matcher = await redirector.parseJSON(JSON.stringify(redirects), {});
  return (path) => matcher.match({ scheme: 'https', host: 'dhr.example.org', path, query: '',
    getHeader: () => '', getCookie: () => '' });
};

test("a withdrawn review's old addresses answer 410 with the gone page", async () => {
  const match = await matcherOf(sites.production);
  for (const path of ['/reviews/taken-down/', '/reviews/taken-down', '/reviews/taken-down/index.html']) {
    const hit = match(path);
    assert.equal(hit?.status, 410, path);
    assert.equal(hit.to, '/gone/', path);
  }
  assert.match(await readFile(join(sites.production, 'gone', 'index.html'), 'utf8'), /<html/);
  assert.equal(match('/reviews/diana/'), null);
});

test('every alias answers 301 to its review', async () => {
  const match = await matcherOf(sites.production);
  for (const alias of ['old-diana', 'diana-2023']) {
    for (const path of [`/reviews/${alias}/`, `/reviews/${alias}`]) {
      const hit = match(path);
      assert.equal(hit?.status, 301, path);
      assert.match(hit.to, /\/reviews\/diana\/$/, path);
    }
  }
});
