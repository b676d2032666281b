"""The one error type users see. The CLI turns it into a one-line message and an exit code."""


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
