"""The errors a checkpoint can raise, one class for each way a file fails to resume.

All are :class:`CheckpointError`, a ``ValueError``, so ``except ValueError`` still catches them;
:mod:`rnnlab.training.checkpoint` imports them, and that is where code should import them from.
What resuming does with each (refuse, skip with a warning, stop) is in that module's docstring.
"""
from __future__ import annotations

import pickle


class CheckpointError(ValueError):
    """A checkpoint file that cannot be resumed from; the message names the file and why."""


class CorruptCheckpointError(CheckpointError):
    """The file cannot be read: truncated, empty or corrupt (a save that died, a full disk)."""


class UnsafeCheckpointError(CheckpointError, pickle.UnpicklingError):
    """The file would import Python objects when unpickled (and so could run code): refused.

    Also a ``pickle.UnpicklingError``, the error ``torch.load(..., weights_only=True)`` itself
    raises for such a file, so code written against torch's error still catches it.
    """


class CheckpointMismatchError(CheckpointError):
    """The file reads, but is not a checkpoint of this model and optimizer (or not one at all)."""


class CorruptCheckpointWarning(UserWarning):
    """A truncated or corrupt checkpoint was skipped; the run resumed from an older one."""
