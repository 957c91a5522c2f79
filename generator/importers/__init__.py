"""`dhr import`: a QA Panel letter or an action plan, as the officer received it, made into a content file.

Public face: `command.import_letter` and `command.import_plan`. Beside them a reader per format (`pdf`, `word`,
`webpage`, `text`, `mail`; `spreadsheet` and `tables` for plans), each run in a bounded child process (the lowest
module `generator.isolate`); `letter` recognises a letter's parts and `plan` an action plan's rows (`plan_columns`,
`plan_yaml`); `blocks` holds the paragraphs and list items every reader makes, and the limits they keep to.
"""
