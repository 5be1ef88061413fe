"""Input checks shared by every rnnlab module: one check for each kind of argument.

Each check raises a ``ValueError`` or ``TypeError`` whose message says what was expected, what
came, and (where it helps) how to fix it, in the style of scikit-learn; it is raised before torch
or NumPy would fail deep inside, or compute a wrong answer without a word. They accept NumPy
arrays and torch tensors alike. Import them from here (``from rnnlab.checks import check_int``);
each module holds one kind:

- :mod:`~rnnlab.checks.arrays` — an array's dtype and shape: ``check_float``, ``check_rank``,
  ``check_size``, ``check_shape``, ``check_nonempty``.
- :mod:`~rnnlab.checks.tensors` — torch tensors and dtypes: ``check_tensor``, ``check_same_dtype``,
  ``check_float_input``, ``DtypeMismatchError``.
- :mod:`~rnnlab.checks.ids` — token ids, labels and lengths: ``check_ids``, ``as_ids``,
  ``check_labels``, ``check_lengths``, ``TokenIdError``, ``LengthError``.
- :mod:`~rnnlab.checks.scalars` — one number or flag: ``check_int``, ``check_number``,
  ``check_bool``, ``ArgumentKindError``.
- :mod:`~rnnlab.checks.arguments` — the rest: ``check_gru_convention`` (``GRU_CONVENTIONS``),
  ``check_generator``, ``check_rnn_class``, ``check_batch``, ``check_records``.

The exceptions: :class:`ArgumentKindError` (an argument of the wrong kind: a bool, a str or a float
where an int is due) and :class:`DtypeMismatchError` (float64 into a float32 module) are both
``TypeError`` and ``ValueError``; :class:`TokenIdError` (an id outside the vocabulary) and
:class:`LengthError` (lengths that do not fit their batch) are ``ValueError``.
"""
from .arguments import (GRU_CONVENTIONS, check_batch, check_generator, check_gru_convention, check_records,
                        check_rnn_class)
from .arrays import check_float, check_nonempty, check_rank, check_shape, check_size
from .ids import LengthError, TokenIdError, as_ids, check_ids, check_labels, check_lengths
from .scalars import ArgumentKindError, check_bool, check_int, check_number
from .tensors import DtypeMismatchError, check_float_input, check_same_dtype, check_tensor

__all__ = [
    # arrays
    "check_float", "check_rank", "check_size", "check_shape", "check_nonempty",
    # tensors
    "DtypeMismatchError", "check_tensor", "check_same_dtype", "check_float_input",
    # ids
    "TokenIdError", "LengthError", "check_ids", "as_ids", "check_labels", "check_lengths",
    # scalars
    "ArgumentKindError", "check_int", "check_number", "check_bool",
    # arguments
    "GRU_CONVENTIONS", "check_gru_convention", "check_generator", "check_rnn_class", "check_batch", "check_records",
]
