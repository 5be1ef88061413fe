"""Recurrent modules written from the equations, mirroring ``torch.nn``.

Cells (one step):          RNNCell, LSTMCell, GRUCell
Layers (whole sequences):  RNN, LSTM, GRU   (multi-layer, bidirectional, PackedSequence)
Each has ``from_torch(module)``; ``rnnlab.nn.init`` holds the course's initialisers.
"""
from rnnlab.nn.gru_cell import GRUCell
from rnnlab.nn.init import course_init_, forget_bias_, orthogonal_recurrent_, xavier_input_
from rnnlab.nn.lstm_cell import LSTMCell
from rnnlab.nn.recurrent import GRU, LSTM, RNN
from rnnlab.nn.rnn_cell import RNNCell

__all__ = ["RNNCell", "LSTMCell", "GRUCell", "RNN", "LSTM", "GRU",
           "course_init_", "orthogonal_recurrent_", "xavier_input_", "forget_bias_"]
