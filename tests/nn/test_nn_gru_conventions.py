"""The three GRU conventions: torch's matches torch.nn.GRU (see the parity tests); Cho's and
Chung's follow their papers' equations, computed here directly in float64."""
import pytest
import torch
from gru_reference import gru_reference_step

from rnnlab.nn import GRU, GRUCell


def reference_step(cell, x, h, convention):
    """One GRU step written from the papers (tests/gru_reference.py) with the cell's weights. x (B, D), h (B, H) -> (B, H)."""
    return gru_reference_step(x, h, cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh, convention)


@pytest.fixture
def inputs():
    torch.manual_seed(0)
    return torch.randn(4, 3, dtype=torch.float64), torch.randn(4, 5, dtype=torch.float64)


@pytest.mark.parametrize("convention", ["torch", "cho", "chung"])
def test_cell_follows_its_equations(convention, inputs):
    x, h = inputs
    cell = GRUCell(3, 5, convention=convention, dtype=torch.float64)
    torch.testing.assert_close(cell(x, h), reference_step(cell, x, h, convention), rtol=0, atol=1e-12)


def test_conventions_differ_on_the_same_weights(inputs):
    x, h = inputs
    torch.manual_seed(1)
    cells = {c: GRUCell(3, 5, convention=c, dtype=torch.float64) for c in ("torch", "cho", "chung")}
    for c in ("cho", "chung"):
        cells[c].load_state_dict(cells["torch"].state_dict())
    out = {c: cell(x, h) for c, cell in cells.items()}
    assert (out["torch"] - out["cho"]).abs().max() > 1e-3
    assert (out["cho"] - out["chung"]).abs().max() > 1e-3


def test_chung_is_cho_with_z_relabelled(inputs):
    """1 - sigma(a) = sigma(-a): negating the z rows turns z into 1 - z."""
    x, h = inputs
    chung = GRUCell(3, 5, convention="chung", dtype=torch.float64)
    cho = GRUCell(3, 5, convention="cho", dtype=torch.float64)
    cho.load_state_dict(chung.state_dict())
    with torch.no_grad():
        for p in cho.parameters():
            p[5:10] *= -1  # rows of z (order r, z, n)
    torch.testing.assert_close(chung(x, h), cho(x, h), rtol=0, atol=1e-12)


@pytest.mark.parametrize("convention", ["cho", "chung"])
def test_layer_runs_the_convention_over_time(convention):
    torch.manual_seed(0)
    gru = GRU(3, 5, convention=convention, batch_first=True, dtype=torch.float64)
    x = torch.randn(2, 6, 3, dtype=torch.float64)  # (B, T, D)
    output, h_n = gru(x)
    h = torch.zeros(2, 5, dtype=torch.float64)
    for t in range(6):
        h = reference_step(gru.cells[0], x[:, t], h, convention)
        torch.testing.assert_close(output[:, t], h, rtol=0, atol=1e-12)
    torch.testing.assert_close(h_n[0], h, rtol=0, atol=1e-12)
    assert GRU.from_torch(torch.nn.GRU(3, 5), convention=convention).convention == convention


def test_unknown_convention_is_refused(raises_naming):
    with raises_naming(ValueError, "convention", "'torch'", "got 'keras'"):
        GRUCell(3, 5, convention="keras")
    with raises_naming(ValueError, "convention", "('torch', 'cho', 'chung')", "got 'Cho'"):
        GRU(3, 5, convention="Cho")  # one check for all (rnnlab.checks, shared with rnnlab.byhand)
