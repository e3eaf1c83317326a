"""The use-case core: one typed function per thing a user can do, shared by both faces.

The command line (``tui/cli``) and the workbench (``tui/app.py`` and its
screens) parse input, call a function here, and render its typed result in
Spanish; the rule, the default and the query live here or below (``store``,
``policy``), never in a face. Nothing here imports Textual (a test checks it),
so the command line stays fast.

Each function takes the open ``Store`` (and the moment ``now`` when the use
case depends on the clock) and returns records or raises a ``ResguardoError``
subclass with a Spanish message a face shows as it is: messages name no
command-line option and no workbench key.
"""
