"""The pipeline that orders the stages, and what it keeps between runs.

Public face:
- `pipeline.build`, `pipeline.Builder`, `pipeline.check`: one build, or a Builder kept
  between runs (`dhr serve`);
- `state.BuildState`: what a Builder keeps, in typed parts owned by their stages;
- `records.FolderRecord`: one review folder's part of the build, keyed by its files' bytes;
- `documents.check_listed`, `documents.check_all`: a published review's PDF and Word files checked (each read
  once for its bytes), what the checks find reported as content problems;
- `indexing.SearchShards`: which search shards to index, and when.
"""
