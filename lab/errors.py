"""Typed exceptions of the lab package.

Every error a user can cause (a missing file, a corrupt archive, a bad upload) is a subclass of
:class:`LabError`, whose message is written for the user: the app shows it as it is and the CLI prints it
and exits non-zero. Anything else that escapes is a bug.
"""

from __future__ import annotations


class LabError(Exception):
    """Base class of errors whose message is meant for the user."""


class DataMissingError(LabError):
    """The Omniglot files are not where the settings say."""


class ArchiveError(LabError):
    """A zip archive is truncated, corrupt, unsafe or laid out unlike the official one."""


class DownloadError(LabError):
    """A download failed (network unreachable, cut half way, wrong size)."""


class StorageError(LabError):
    """A folder the lab must write into is not writable (or the disk is full)."""


class ModelFormatError(LabError):
    """A model file is not a Siamese network of the lab (wrong format, wrong shape, damaged)."""


class ModelNotFoundError(LabError):
    """No model of that name in the model store."""


class ImageError(LabError):
    """An uploaded file is not an image the lab can use (not an image, empty, too large, no drawing in it)."""


class OutOfRangeError(LabError, ValueError):
    """A number a user typed (an option, a widget value, a URL parameter) is outside its valid range or not a number.

    Also a ValueError, so the command line reports it as a usage error (exit status 2).
    """
