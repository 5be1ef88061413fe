"""The GRU step written from the papers, gate by gate, in torch ops: the one independent reference that
the GRU tests of rnnlab.nn (tests/nn) and rnnlab.byhand (tests/byhand) compare against.

Importable from any test folder as ``from gru_reference import gru_reference_step``: pytest puts
tests/, the folder of the root conftest.py, on sys.path.
"""
import torch


def gru_reference_step(x, h, W_xh, W_hh, b_xh, b_hh, convention):
    """x (B, D), h (B, H); W_xh (3H, D), W_hh (3H, H), b_xh, b_hh (3H,), blocks in torch's order r, z, n
    -> h' (B, H), in ``convention`` "torch" (reset after the hidden matmul), "cho" (before it) or
    "chung" (Cho's candidate, the update written the other way)."""
    W_xr, W_xz, W_xn = W_xh.chunk(3)
    W_hr, W_hz, W_hn = W_hh.chunk(3)
    b_xr, b_xz, b_xn = b_xh.chunk(3)
    b_hr, b_hz, b_hn = b_hh.chunk(3)
    r = torch.sigmoid(x @ W_xr.T + b_xr + h @ W_hr.T + b_hr)
    z = torch.sigmoid(x @ W_xz.T + b_xz + h @ W_hz.T + b_hz)
    if convention == "torch":
        n = torch.tanh(x @ W_xn.T + b_xn + r * (h @ W_hn.T + b_hn))
    else:
        n = torch.tanh(x @ W_xn.T + b_xn + (r * h) @ W_hn.T + b_hn)
    if convention == "chung":
        return (1 - z) * h + z * n
    return (1 - z) * n + z * h
