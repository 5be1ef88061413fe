"""The gate equations live once, in the cells: ``LSTMCell.gates`` and ``GRUCell.gates`` give the
gates ``step`` uses, equal to torch.nn's equations (notebook 04 draws them through these)."""
import torch

from rnnlab.nn import GRUCell, LSTMCell


def test_lstm_gates_are_torchs_equations_and_what_step_uses():
    torch.manual_seed(0)
    ref = torch.nn.LSTMCell(3, 4).double()
    cell = LSTMCell.from_torch(ref)
    x, h, c = torch.randn(5, 3, dtype=torch.float64), torch.randn(5, 4, dtype=torch.float64), torch.randn(5, 4, dtype=torch.float64)
    a = x @ ref.weight_ih.T + ref.bias_ih + h @ ref.weight_hh.T + ref.bias_hh
    want = [torch.sigmoid(a[:, :4]), torch.sigmoid(a[:, 4:8]), torch.tanh(a[:, 8:12]), torch.sigmoid(a[:, 12:])]
    got = cell.gates(cell.project_input(x), (h, c))
    for w, g in zip(want, got):
        torch.testing.assert_close(g, w, rtol=1e-12, atol=1e-12)
    i, f, g, o = got
    c_new = f * c + i * g
    torch.testing.assert_close(cell.step(cell.project_input(x), (h, c)), (o * torch.tanh(c_new), c_new), rtol=0, atol=0)
    torch.testing.assert_close(cell(x, (h, c)), ref(x, (h, c)), rtol=1e-12, atol=1e-12)


def test_gru_gates_in_each_convention_are_what_step_uses():
    torch.manual_seed(0)
    ref = torch.nn.GRUCell(3, 4).double()
    x, h = torch.randn(5, 3, dtype=torch.float64), torch.randn(5, 4, dtype=torch.float64)
    W_ih, W_hh, b_ih, b_hh = ref.weight_ih, ref.weight_hh, ref.bias_ih, ref.bias_hh
    r = torch.sigmoid(x @ W_ih[:4].T + b_ih[:4] + h @ W_hh[:4].T + b_hh[:4])
    z = torch.sigmoid(x @ W_ih[4:8].T + b_ih[4:8] + h @ W_hh[4:8].T + b_hh[4:8])
    n_torch = torch.tanh(x @ W_ih[8:].T + b_ih[8:] + r * (h @ W_hh[8:].T + b_hh[8:]))
    n_cho = torch.tanh(x @ W_ih[8:].T + b_ih[8:] + (r * h) @ W_hh[8:].T + b_hh[8:])
    for convention, n in (("torch", n_torch), ("cho", n_cho), ("chung", n_cho)):
        cell = GRUCell(3, 4, convention=convention).double()
        cell.load_state_dict(ref.state_dict())
        got = cell.gates(cell.project_input(x), (h,))
        for w, g in zip((r, z, n), got):
            torch.testing.assert_close(g, w, rtol=1e-12, atol=1e-12)
        _, z_c, n_c = got
        want_h = (1 - z_c) * h + z_c * n_c if convention == "chung" else (1 - z_c) * n_c + z_c * h
        torch.testing.assert_close(cell.step(cell.project_input(x), (h,))[0], want_h, rtol=0, atol=0)
