"""The project's exceptions: each names what is wrong and where."""

from __future__ import annotations


class PlanKGError(Exception):
    """Base of every error plankg reports to a user."""


class SourceError(PlanKGError):
    """A plan text that cannot be parsed: names the file, line, column and item."""

    def __init__(self, message: str, *, path: str = "", line: int | None = None,
                 column: int | None = None, item: int | None = None) -> None:
        self.message, self.path, self.line, self.column, self.item = message, path, line, column, item
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path or "<text>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        item = f" (item {self.item})" if self.item is not None else ""
        return f"{where}: {self.message}{item}"


class CurationError(PlanKGError):
    """A curated fact that does not hold against the source (e.g. its quote is not in the text)."""


class QueryNotFound(PlanKGError):
    """A named query that has no .rq file."""


class BuildNotFound(PlanKGError):
    """No build output where one was expected."""


class BadParameter(PlanKGError):
    """A parameter that a query does not have, or a value of the wrong shape (e.g. not a date)."""


class PlanChoice(PlanKGError):
    """A question about one plan asked of a corpus without saying which plan (or naming none held)."""

    def __init__(self, message: str, keys: list[str]) -> None:
        self.keys = keys
        super().__init__(message)
