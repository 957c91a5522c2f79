"""Stages 5 and 6, write and index, and the build cache: what reaches the disk, knowing nothing of the content.

Public face:
- `write.SiteWriter`: writes what differs into a hidden folder beside the site, applied only on success;
- `search_index`: the Pagefind index in shards (`plan`, `Indexing`, `index_shards`);
- `cache`: the build cache (`load`, `save`, `Store`, `VerifiedBytecode`, `compact`), every byte verified before use;
- `outdir`: which folders may be an output folder, the mark a build leaves in it (`MARK`), and the lock on it.
"""
