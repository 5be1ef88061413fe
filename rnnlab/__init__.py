"""rnnlab: the reference code of an interactive course on recurrent neural networks."""

__version__ = "0.1.0"
