"""The one error type users see, and how text from files is made safe to quote in its message.

The CLI turns a HarnessError into a one-line message and an exit code.
"""


class HarnessError(Exception):
    """A problem with the user's input or environment, explained in one line.

    exit_code follows the command-line contract: 1 a check failed, 2 bad usage or unreadable input.
    """

    def __init__(self, message: str, exit_code: int = 2):
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code

    def __str__(self) -> str:
        return self.message


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised by the command line's signal handler: a run stops as on Ctrl-C (what
    finished is kept, the resume command is printed), with exit code 143."""


def printable(text: str) -> str:
    """`text` safe to print on one line: line breaks, control and format characters (bidi
    marks, NUL) and lone surrogates become backslash escapes; other characters stay."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def shown(value: object, width: int = 80) -> str:
    """A value from a user's file, quoted into a message: printable, at most `width` characters."""
    text = printable(str(value))
    return text if len(text) <= width else text[: width - 3] + "..."
