"""Stages 3 and 4, model and render: the published reviews as objects, and every page and data file made of them.

Public face:
- `model.assemble`, `model.make_review`, `model.make_chrome`: the site's model (`markup` renders and sanitises its
  Markdown, `learning` gathers action plans and feedback across reviews, `files` says what each document is and
  holds, from what the document checks read);
- `render.site_jobs`, `render.review_page`, `render.document_pages`, `render.learning_jobs`: every output as a
  job; `renderer.Renderer` makes the changed ones (`templating` is Jinja's set-up);
- `export`: the open data files, `json_schemas` their JSON Schemas; `deploy`: `_headers`, `_redirects` and asset names.

Nothing here writes a file or imports the output stages: what they need (the output folder's mark, the
search index's shards for the pages it holds, the store of data file parts) is passed in.
"""
