"""The tools beside the pipeline, for the people who write the content.

Public face:
- `watch.serve_site` (with `serve`, the preview HTTP server and its error page): `dhr serve`;
- `new`: `dhr new review|letter|action-plan`; `report`: `dhr check --report`.
"""
