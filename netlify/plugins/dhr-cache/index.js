// Netlify build plugin: restores dhr build's cache, and the site it built, before the build, and saves them after
// a successful one, with Netlify's documented utils.cache (moving folders, not copying them: a site is thousands
// of files). Neither is trusted blindly: dhr build checks each cached file's digest before it uses it, reads only a
// state the same generator, libraries, folders and settings wrote (and says in one line when it cannot use one),
// and keeps a file of the site only where its bytes are those it wrote; so an edit costs a deploy what it costs a
// rebuild. The site is saved once it is deployed (onSuccess), the cache as soon as the build is done.

const folder = (inputs) => (inputs && inputs.path) || '.dhr-cache';
const site = (constants) => (constants && constants.PUBLISH_DIR) || null;  // Netlify's publish folder

const restore = async (utils, path) => {
  const restored = await utils.cache.restore(path, { move: true });
  console.log(restored
    ? `dhr-cache: restored ${path}/ from an earlier deploy; dhr build checks it before using it`
    : `dhr-cache: no ${path}/ from an earlier deploy; this build starts from the content alone`);
};

const save = async (utils, path) => {
  const saved = await utils.cache.save(path, { move: true });
  console.log(saved
    ? `dhr-cache: saved ${path}/ for the next deploy`
    : `dhr-cache: nothing to save: the build left no ${path}/`);
};

export const onPreBuild = async ({ utils, inputs, constants }) => {
  await restore(utils, folder(inputs));
  if (site(constants)) await restore(utils, site(constants));
};

export const onPostBuild = async ({ utils, inputs }) => {
  await save(utils, folder(inputs));
};

export const onSuccess = async ({ utils, constants }) => {
  if (site(constants)) await save(utils, site(constants));
};
