// Deploy build times through the Netlify plugin's restore and save steps (netlify/plugins/dhr-cache), against a
// stand-in for Netlify's utils.cache that keeps folders on the local disk (moving them, as `move: true` asks): a first deploy, then a deploy of one
// edited letter from a fresh checkout at the same path (as Netlify builds in /opt/build/repo), without the cache
// and with it. Medians of --runs runs.
//
//   python3 benchmarks/corpus.py --reviews 700 --national --out /tmp/corpus-700
//   node benchmarks/deploy_cache.mjs /tmp/corpus-700 /tmp/deploy-700 [runs]
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, readdirSync, rmSync } from 'node:fs';
import { cp, mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

import { onPostBuild, onPreBuild, onSuccess } from '../netlify/plugins/dhr-cache/index.js';

const exists = (path) => stat(path).then(() => true, () => false);
const standIn = (store) => ({
  cache: {
    async save(path, { move } = {}) {
      if (!await exists(path)) return false;
      await rm(join(store, path), { recursive: true, force: true });
      await mkdir(store, { recursive: true });
      await (move ? rename(path, join(store, path)) : cp(path, join(store, path), { recursive: true }));
      return true;
    },
    async restore(path, { move } = {}) {
      if (!await exists(join(store, path))) return false;
      await (move ? rename(join(store, path), path) : cp(join(store, path), path, { recursive: true }));
      return true;
    },
  },
});

const [corpus, work, runs = '3'] = process.argv.slice(2);
const store = `${work}-store`;
const utils = standIn(store);
const constants = { PUBLISH_DIR: 'site' };
const quiet = async (step) => { const log = console.log; console.log = () => {}; try { await step(); } finally { console.log = log; } };
const seconds = (started) => (performance.now() - started) / 1000;
const checkout = () => {
  process.chdir('/');
  rmSync(work, { recursive: true, force: true });
  cpSync(corpus, join(work, 'content'), { recursive: true });
  process.chdir(work);
};
const build = () => {
  const started = performance.now();
  const run = spawnSync('python3', ['-m', 'generator', 'build', '--content', 'content', '--out', 'site'],
    { cwd: work, encoding: 'utf8', maxBuffer: 1 << 30 });  // (past the default 1 MB the build would be killed)
  if (run.status !== 0) throw new Error(run.error ? String(run.error) : run.stderr);
  return seconds(started);
};
const edit = (n) => {
  const reviews = join(work, 'content', 'reviews');
  const review = readdirSync(reviews).sort()[0];
  const letter = readdirSync(join(reviews, review)).find((name) => name.startsWith('letter-'));
  appendFileSync(join(reviews, review, letter), `\nOne more sentence, edit ${n}.\n`);
};
const deploy = async (withCache, n) => {
  checkout();
  for (let i = 0; i <= n; i += 1) edit(i);  // the repository holds every edit so far
  const started = performance.now();
  if (withCache) await quiet(() => onPreBuild({ utils, constants }));
  const restored = seconds(started);
  const built = build();
  const saving = performance.now();
  if (withCache) await quiet(() => onPostBuild({ utils, constants }));
  if (withCache) await quiet(() => onSuccess({ utils, constants }));  // (after Netlify has deployed the site)
  return [seconds(started), built, restored, seconds(saving)];
};
const median = (values) => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)];

rmSync(store, { recursive: true, force: true });
checkout();
const first = performance.now();
await quiet(() => onPreBuild({ utils, constants }));
build();
await quiet(() => onPostBuild({ utils, constants }));
await quiet(() => onSuccess({ utils, constants }));
console.log(`first deploy (restore, clean build, save): ${seconds(first).toFixed(2)} s`);
const without = [];
const withIt = [];
for (let n = 0; n < Number(runs); n += 1) {
  without.push((await deploy(false, n))[0]);
  const [total, built, restored, saved] = await deploy(true, n);
  withIt.push(total);
  console.log(`  with the cache: restore ${restored.toFixed(2)} s, build ${built.toFixed(2)} s, save ${saved.toFixed(2)} s`);
}
console.log(`one letter edited, no cache: ${median(without).toFixed(2)} s (median of ${runs})`);
console.log(`one letter edited, cache restored and saved: ${median(withIt).toFixed(2)} s (median of ${runs}), ` +
  `${(median(withIt) / median(without)).toFixed(2)}x`);
process.chdir('/');
rmSync(work, { recursive: true, force: true });
rmSync(store, { recursive: true, force: true });
