"""The workbench's forms, in one package: each parses what was typed, calls one use case of
the core in a thread worker, and words the typed result (see ``tui.forms.base``).

Imported on first use, never on the first frame.
"""
