"""BPTT by hand: recurrent networks in plain NumPy, forward and backward (notebook 02).

Every layer comes as a ``*_forward`` that returns its output and a cache, and a
``*_backward`` that takes the upstream gradient and that cache (CS231n style); the cells
also come one step at a time (``*_step_forward`` / ``*_step_backward``). Batch-first
shapes, ``x (B, T, D)``, ``h (B, T, H)``, ``h0 (B, H)``. One set of symbols for every cell:
``W_xh`` (input to hidden, ``(G*H, D)`` with the ``G`` gate blocks stacked in torch's order),
``W_hh`` (hidden to hidden, ``(G*H, H)``) and ``b_h`` (``(G*H,)``; the GRU has ``b_xh`` and
``b_hh`` instead), in the maths/torch layout, so ``W_xh x_t`` is ``x_t @ W_xh.T`` in the code.
Every function checks its arguments first (``inputs``): a bias of shape ``(1,)``, a state of
``(1, H)`` for a batch of ``B``, an int array or another function's cache is a clear error that
names what was expected, never a silent broadcast.

=================  ==============================================================
module             what is inside
=================  ==============================================================
``elman``          ``rnn_step_forward/backward``, ``rnn_forward/backward`` (tanh, relu)
``jordan``         ``jordan_step_forward/backward``, ``jordan_forward/backward``
``lstm``           ``lstm_step_forward/backward``, ``lstm_forward/backward`` (gates i f g o)
``gru``            ``gru_step_forward/backward``, ``gru_forward/backward`` (r z n; 3 conventions)
``affine``         ``temporal_affine_forward/backward``: the output layer ``y_t = W_hy h_t + b_y``
``loss``           ``softmax_cross_entropy``: mean loss and its gradient, over the positions that count
``elman_lm``       ``init_elman_lm``, ``elman_lm_loss``: an Elman RNN + softmax, full BPTT
``tbptt``          ``tbptt``, ``TBPTTUpdate``: truncated BPTT with Williams & Peng's k1, k2
``examples``       ``example_inputs``: tiny random inputs for each cell, in argument order
``gradcheck``      ``numerical_gradient``, ``rel_error``, ``check_gradients``, ``gradcheck_layer``
``activations``    ``sigmoid``, ``activate``, ``activate_backward``
``inputs``         ``check_cell``, ``check_sequence``, ``check_cache``, ...: every function's input checks
``charmodel``      ``CharTrainer``, ``Adagrad``, ``sample``: min-char-rnn rebuilt from these pieces
``reach``          ``late_loss_reach``, ``reach_curves``: how far back a gradient reaches, full vs truncated
=================  ==============================================================
"""
from .activations import activate, activate_backward, sigmoid
from .affine import temporal_affine_backward, temporal_affine_forward
from .elman import rnn_backward, rnn_forward, rnn_step_backward, rnn_step_forward
from .elman_lm import PARAM_NAMES, elman_lm_loss, init_elman_lm
from .charmodel import (
    Adagrad, CharRNN, CharTrainer, clip_gradients, evaluate_char_rnn, init_char_rnn, sample, unigram_loss,
)
from .examples import example_inputs
from .gradcheck import check_gradients, gradcheck_layer, numerical_gradient, rel_error
from .gru import gru_backward, gru_forward, gru_step_backward, gru_step_forward
from .jordan import jordan_backward, jordan_forward, jordan_step_backward, jordan_step_forward
from .loss import softmax_cross_entropy
from .lstm import lstm_backward, lstm_forward, lstm_step_backward, lstm_step_forward
from .reach import late_loss_reach, reach_curves, reach_problem, truncation_error
from .tbptt import TBPTTUpdate, tbptt

__all__ = [
    "Adagrad",
    "CharRNN",
    "CharTrainer",
    "PARAM_NAMES",
    "TBPTTUpdate",
    "activate",
    "activate_backward",
    "check_gradients",
    "clip_gradients",
    "elman_lm_loss",
    "evaluate_char_rnn",
    "example_inputs",
    "gradcheck_layer",
    "gru_backward",
    "gru_forward",
    "gru_step_backward",
    "gru_step_forward",
    "init_char_rnn",
    "init_elman_lm",
    "jordan_backward",
    "jordan_forward",
    "jordan_step_backward",
    "jordan_step_forward",
    "late_loss_reach",
    "reach_curves",
    "lstm_backward",
    "lstm_forward",
    "lstm_step_backward",
    "lstm_step_forward",
    "numerical_gradient",
    "reach_problem",
    "rel_error",
    "rnn_backward",
    "rnn_forward",
    "rnn_step_backward",
    "rnn_step_forward",
    "sample",
    "sigmoid",
    "softmax_cross_entropy",
    "tbptt",
    "temporal_affine_backward",
    "temporal_affine_forward",
    "truncation_error",
    "unigram_loss",
]
