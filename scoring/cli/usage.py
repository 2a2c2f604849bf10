"""The command line's one error type, shared by `cli` and its subcommands (no import cycle)."""


class UsageError(Exception):
    """A bad argument: reported on one line, exit code 2."""
