"""How numbers and shapes are written for people, the same in the CLI and the window."""

from __future__ import annotations

from nnstudio.core.architecture import Shape


def format_shape(shape: Shape | None) -> str:
    """A shape as Keras prints it, ``(None, 26, 26, 32)``; ``?`` when unknown."""
    if shape is None:
        return "?"
    inner = ", ".join("None" if d is None else str(d) for d in shape)
    return f"({inner},)" if len(shape) == 1 else f"({inner})"


def readable_bytes(size: float) -> str:
    """A memory size as Keras' summary writes it (powers of 1024): ``136.04 KB``."""
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size / 1024 < 1:
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} PB"


def format_count(count: int | None) -> str:
    """An integer with thousands separators, ``?`` when unknown."""
    return "?" if count is None else f"{count:,}"


def format_macs(macs: int | None) -> str:
    """Multiply-adds in engineering units: ``4.7 M``."""
    if macs is None:
        return "?"
    for unit, scale in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if macs >= scale:
            return f"{macs / scale:.3g} {unit}"
    return str(macs)


def counted(count: int, noun: str) -> str:
    """``1 epoch``, ``3 epochs``: a count and its noun, plural when it is not one."""
    return f"{count} {noun}{'s' * (count != 1)}"


def capitalized(text: str) -> str:
    """``text`` with its first letter a capital: core messages start in lower case so that
    they can follow "nnstudio: ..."; the window shows them as sentences."""
    return text[:1].upper() + text[1:]
