// Deploy build times through the Netlify plugin's restore and save steps (netlify/plugins/dhr-cache), against a
// stand-in for Netlify's utils.cache that keeps folders on the local disk: a first deploy, then a deploy of one
// edited letter from a fresh checkout at the same path (as Netlify builds in /opt/build/repo), without the cache
// and with it. Medians of --runs runs.
//
//   python3 benchmarks/corpus.py --reviews 700 --national --out /tmp/corpus-700
//   node benchmarks/deploy_cache.mjs /tmp/corpus-700 /tmp/deploy-700 [runs]
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, readdirSync, rmSync } from 'node:fs';
import { cp, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

import { onPostBuild, onPreBuild } from '../netlify/plugins/dhr-cache/index.js';

const exists = (path) => stat(path).then(() => true, () => false);
const standIn = (store) => ({
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
    { cwd: work, encoding: 'utf8' });
  if (run.status) throw new Error(run.stderr);
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
  const built = build();
  if (withCache) await quiet(() => onPostBuild({ utils, constants }));
  return [seconds(started), built];
};
const median = (values) => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)];

rmSync(store, { recursive: true, force: true });
checkout();
const first = performance.now();
await quiet(() => onPreBuild({ utils, constants }));
build();
await quiet(() => onPostBuild({ utils, constants }));
console.log(`first deploy (restore, clean build, save): ${seconds(first).toFixed(2)} s`);
const without = [];
const withIt = [];
for (let n = 0; n < Number(runs); n += 1) {
  without.push((await deploy(false, n))[0]);
  withIt.push((await deploy(true, n))[0]);
}
console.log(`one letter edited, no cache: ${median(without).toFixed(2)} s (median of ${runs})`);
console.log(`one letter edited, cache restored and saved: ${median(withIt).toFixed(2)} s (median of ${runs}), ` +
  `${(median(withIt) / median(without)).toFixed(2)}x`);
process.chdir('/');
rmSync(work, { recursive: true, force: true });
rmSync(store, { recursive: true, force: true });
