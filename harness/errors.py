"""The one error type users see, and how text from files and command lines is made safe to
quote in its message: what is not text (lone surrogates) and how any text is printed on one line.

The CLI turns a HarnessError into a one-line message and an exit code.
"""

import re

# Lone surrogates: a "\ud800" escape in JSON or YAML, or an undecodable byte of a command-line
# argument or file name (Python's surrogateescape). Not text: they cannot be written as UTF-8.
SURROGATES = "\ud800-\udfff"
_LONE_SURROGATE = re.compile(f"[{SURROGATES}]")


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


def lone_surrogate(text: str) -> int | None:
    """The offset of the first lone surrogate in `text`, None when there is none."""
    found = _LONE_SURROGATE.search(text)
    return None if found is None else found.start()


def shown(value: object, width: int = 80) -> str:
    """A value from a user's file, quoted into a message: printable, at most `width` characters."""
    text = printable(str(value))
    return text if len(text) <= width else text[: width - 3] + "..."
