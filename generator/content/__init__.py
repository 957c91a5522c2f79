"""Stages 1 and 2, load and validate: the content folder read and checked, every problem found in one run.

Public face:
- `load.load_content`, `load.load_settings`, `load.walk_reviews`: the files, parsed into nodes that keep their lines;
- `validate.validate`, `validate.check_review`, `validate.check_across`: typed values and every problem;
- `schema`: the content model, defined once (with `kinds`, each field's type and check, and `nodes`);
- `plans`: an action plan's rules, and the values an action takes from its recommendation;
- `anonymity`: the scans for what could identify someone; `partnerships`: the partnership each review is filed under.
"""
