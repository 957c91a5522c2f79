// Netlify build plugin: restores dhr build's cache, and the site it built, before the build and saves both after a
// successful one, with Netlify's documented utils.cache. Neither is trusted blindly: dhr build checks each cached
// file's digest before it uses it, reads only a state the same generator, libraries, folders and settings wrote
// (and says in one line when it cannot use one), and keeps a file of the site only where its bytes are those it
// wrote; so an edit costs a deploy what it costs a rebuild.

const folder = (inputs) => (inputs && inputs.path) || '.dhr-cache';

// The folders kept between deploys: the build cache, and the site it built (Netlify's publish folder).
const kept = (inputs, constants) => [folder(inputs), ...(constants && constants.PUBLISH_DIR ? [constants.PUBLISH_DIR] : [])];

export const onPreBuild = async ({ utils, inputs, constants }) => {
  for (const path of kept(inputs, constants)) {
    const restored = await utils.cache.restore(path);
    console.log(restored
      ? `dhr-cache: restored ${path}/ from an earlier deploy; dhr build checks it before using it`
      : `dhr-cache: no ${path}/ from an earlier deploy; this build starts from the content alone`);
  }
};

export const onPostBuild = async ({ utils, inputs, constants }) => {
  for (const path of kept(inputs, constants)) {
    const saved = await utils.cache.save(path);
    console.log(saved
      ? `dhr-cache: saved ${path}/ for the next deploy`
      : `dhr-cache: nothing to save: the build left no ${path}/`);
  }
};
