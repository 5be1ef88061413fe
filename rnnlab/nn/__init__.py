"""Recurrent modules written from the equations, mirroring ``torch.nn``.

Cells (one step):          RNNCell, LSTMCell, GRUCell
Layers (whole sequences):  RNN, LSTM, GRU   (multi-layer, bidirectional, PackedSequence)
Parallel-scan RNNs:        MinGRU, MinLSTM   (Feng et al. 2024; sequential or log-space scan)
Attention and transformers: MultiheadAttention, TransformerEncoderLayer, TransformerDecoderLayer,
                            scaled_dot_product_attention, causal_mask, sinusoidal_positions,
                            LearnedPositions
Each module has ``from_torch(module)``; ``rnnlab.nn.init`` holds the course's initialisers.

Modules: ``cell`` (what every cell shares), ``rnn_cell``, ``lstm_cell``, ``gru_cell``,
``recurrent`` (the layers, stacked and bidirectional), ``lstm_scan`` (the LSTM's time loop with a
hand-written backward), ``mingru``, ``multihead``, ``transformer``, ``positions``, ``init``, ``crf`` (a linear-chain CRF: forward
algorithm, Viterbi, BIO constraints; torch.nn has none, notebook 14), ``ctc_loss`` (CTC by hand: the
alpha recursion in log space mirroring ``F.ctc_loss``, ``collapse``, ``best_alignment``; notebook 13).
"""
from rnnlab.nn.gru_cell import GRUCell
from rnnlab.nn.init import course_init_, forget_bias_, orthogonal_recurrent_, xavier_input_
from rnnlab.nn.lstm_cell import LSTMCell
from rnnlab.nn.mingru import MinGRU, MinLSTM
from rnnlab.nn.multihead import MultiheadAttention, causal_mask, scaled_dot_product_attention
from rnnlab.nn.positions import LearnedPositions, sinusoidal_positions
from rnnlab.nn.recurrent import GRU, LSTM, RNN
from rnnlab.nn.rnn_cell import RNNCell
from rnnlab.nn.transformer import TransformerDecoderLayer, TransformerEncoderLayer

__all__ = ["RNNCell", "LSTMCell", "GRUCell", "RNN", "LSTM", "GRU", "MinGRU", "MinLSTM",
           "MultiheadAttention", "TransformerEncoderLayer", "TransformerDecoderLayer",
           "scaled_dot_product_attention", "causal_mask", "sinusoidal_positions", "LearnedPositions",
           "course_init_", "orthogonal_recurrent_", "xavier_input_", "forget_bias_"]
