// The Netlify cache plugin, run against a stand-in for Netlify's utils.cache that keeps folders in a directory.
import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { onPostBuild, onPreBuild, onSuccess } from '../../netlify/plugins/dhr-cache/index.js';

// What Netlify's utils.cache does, on the local disk: save copies a path away, restore copies it back;
// both say whether there was anything to copy.
export const standIn = (store) => ({
  cache: {
    async save(path) {
      if (!await exists(path)) return false;
      await rm(join(store, path), { recursive: true, force: true });
      await cp(path, join(store, path), { recursive: true });
      return true;
    },
    async restore(path) {
      if (!await exists(join(store, path))) return false;
      await cp(join(store, path), path, { recursive: true });
      return true;
    },
  },
});

const exists = (path) => stat(path).then(() => true, () => false);

const logged = async (step, args) => {
  const lines = [];
  const log = console.log;
  console.log = (line) => lines.push(line);
  try { await step(args); } finally { console.log = log; }
  return lines;
};

test('restores nothing on a first deploy, saves after the build, restores on the next deploy', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'dhr-cache-'));
  const store = join(dir, 'netlify-cache');
  const cwd = process.cwd();
  process.chdir(dir);
  t.after(async () => { process.chdir(cwd); await rm(dir, { recursive: true, force: true }); });
  const utils = standIn(store);

  assert.deepEqual(await logged(onPreBuild, { utils }),
    ['dhr-cache: no .dhr-cache/ from an earlier deploy; this build starts from the content alone']);
  assert.deepEqual(await logged(onPostBuild, { utils }), ['dhr-cache: nothing to save: the build left no .dhr-cache/']);

  await mkdir('.dhr-cache');
  await writeFile(join('.dhr-cache', 'state.pack'), 'built');
  assert.deepEqual(await logged(onPostBuild, { utils }), ['dhr-cache: saved .dhr-cache/ for the next deploy']);

  await rm('.dhr-cache', { recursive: true });  // the next deploy starts from a fresh clone
  assert.deepEqual(await logged(onPreBuild, { utils }),
    ['dhr-cache: restored .dhr-cache/ from an earlier deploy; dhr build checks it before using it']);
  assert.equal(await readFile(join('.dhr-cache', 'state.pack'), 'utf8'), 'built');
});

test('uses the folder named in the plugin inputs', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'dhr-cache-'));
  const cwd = process.cwd();
  process.chdir(dir);
  t.after(async () => { process.chdir(cwd); await rm(dir, { recursive: true, force: true }); });
  const utils = standIn(join(dir, 'netlify-cache'));
  await mkdir('elsewhere');
  await writeFile(join('elsewhere', 'x'), 'y');
  assert.deepEqual(await logged(onPostBuild, { utils, inputs: { path: 'elsewhere' } }),
    ['dhr-cache: saved elsewhere/ for the next deploy']);
});

test('keeps the site Netlify publishes beside the cache, so that the next build writes only what changed',
  async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'dhr-cache-site-'));
    const cwd = process.cwd();
    process.chdir(dir);
    t.after(async () => { process.chdir(cwd); await rm(dir, { recursive: true, force: true }); });
    const utils = standIn(join(dir, 'netlify-cache'));
    const constants = { PUBLISH_DIR: 'site' };
    await mkdir('.dhr-cache');
    await mkdir('site');
    await writeFile(join('site', 'index.html'), 'home');
    assert.deepEqual(await logged(onPostBuild, { utils, constants }), ['dhr-cache: saved .dhr-cache/ for the next deploy']);
    assert.deepEqual(await logged(onSuccess, { utils, constants }), ['dhr-cache: saved site/ for the next deploy']);
    await rm('site', { recursive: true });
    await rm('.dhr-cache', { recursive: true });
    assert.deepEqual(await logged(onPreBuild, { utils, constants }), [
      'dhr-cache: restored .dhr-cache/ from an earlier deploy; dhr build checks it before using it',
      'dhr-cache: restored site/ from an earlier deploy; dhr build checks it before using it']);
    assert.equal(await readFile(join('site', 'index.html'), 'utf8'), 'home');
  });
