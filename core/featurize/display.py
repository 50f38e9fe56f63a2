"""Showing names that are not valid UTF-8: their bytes as ``\\xNN``, never an encoding error.

File names on Linux are bytes; Python decodes the ones that are not UTF-8 with surrogate
escapes (``os.fsdecode``), and the store keeps their original bytes. Printing such a name to a
UTF-8 terminal would raise ``UnicodeEncodeError``; the ``featurize-escape`` error handler shows
each undecodable byte as ``\\xNN`` instead, so ``bad_\\xff\\xfe_name.ogg`` reads as it is.
"""

from __future__ import annotations

import codecs
import io
import sys

ERRORS = "featurize-escape"


def _escape(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    characters = error.object[error.start : error.end]
    return "".join(_escaped(c) for c in characters), error.end


def _escaped(character: str) -> str:
    code = ord(character)
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"


codecs.register_error(ERRORS, _escape)


def readable(text: str) -> str:
    """``text`` with undecodable bytes shown as ``\\xNN`` (unchanged when it is valid UTF-8)."""
    return text.encode("utf-8", ERRORS).decode("utf-8")


def escape_output_streams() -> None:
    """Make ``stdout`` and ``stderr`` print any name instead of failing on it."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors=ERRORS)
