"""Errors every layer may raise; the CLI and TUI show them as one clear sentence."""


class QualcodeError(Exception):
    """A problem the user can fix; the message says what happened and what to do."""


class InputError(QualcodeError):
    """A file could not be read or parsed; the message names the file and where."""

    def __init__(self, source: str, problem: str, *, line: int | None = None, hint: str = ""):
        where = f"{source}, line {line}" if line is not None else source
        message = f"{where}: {problem}"
        if hint:
            message += f" {hint}"
        super().__init__(message)
        self.source = source
        self.line = line

    def __reduce__(self) -> tuple[object, ...]:
        # Parsing runs in a worker process during batch imports: the error must pickle.
        return (_restore_input_error, (str(self), self.source, self.line))


def _restore_input_error(message: str, source: str, line: int | None) -> InputError:
    error = InputError.__new__(InputError)
    QualcodeError.__init__(error, message)
    error.source, error.line = source, line
    return error


class NotFoundError(QualcodeError):
    """A transcript, segment, code or coder the user named does not exist."""


class PermissionDenied(QualcodeError):
    """The coder's role does not allow the action."""


class DatabaseBusyError(QualcodeError):
    """Another process holds the database longer than the retries waited."""


class DiskFullError(QualcodeError):
    """The disk (or the server's) ran out of space; nothing of the change was kept."""
