"""Exceptions of the nnstudio core.

Only input that cannot be understood at all raises. An architecture that is readable but wrong
(a kernel larger than its input, a rate out of range) is not an exception: ``summarize`` reports
it as problems attached to layers.
"""

from __future__ import annotations


class NnstudioError(Exception):
    """Base class of the errors nnstudio reports to its users."""


class ArchitectureFormatError(NnstudioError, ValueError):
    """The input cannot be read as an nnstudio architecture.

    The message is one line that says what was received and, where possible, how to fix it.
    """


class InvalidArchitectureError(NnstudioError, ValueError):
    """An operation needs a valid architecture, and this one has errors."""

    def __init__(self, problems):
        self.problems = tuple(problems)
        lines = [_describe(p) for p in self.problems]
        super().__init__("the architecture is invalid: " + "; ".join(lines))


def _describe(problem) -> str:
    where = "input" if problem.layer is None else f"layer {problem.layer}"
    return f"{where}: {problem.message}"
