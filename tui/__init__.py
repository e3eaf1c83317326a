"""resguardo's edges: the command line (``tui.cli``, which never imports Textual)
and the Textual workbench (``tui.app``)."""
