"""rnnlab.experiments.gates, rnnlab.experiments.highway and rnnlab.plots.gates_plots (notebook 04)."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from rnnlab.experiments import gates, highway  # noqa: E402
from rnnlab.nn import GRU, LSTM, RNNCell  # noqa: E402
from rnnlab.plots import gates_plots as gplots  # noqa: E402


def test_lstm_trace_matches_the_layer():
    torch.manual_seed(0)
    layer = LSTM(3, 5, batch_first=True)
    x = torch.randn(1, 7, 3)
    out, (h_n, c_n) = layer(x)
    trace = gates.lstm_gates(layer.cells[0], x[0])
    assert set(trace) == set("ifgoch") and all(v.shape == (7, 5) for v in trace.values())
    assert np.allclose(trace["h"], out[0].detach().numpy(), atol=1e-6)
    assert np.allclose(trace["c"][-1], c_n[0, 0].detach().numpy(), atol=1e-6)
    for g in "ifo":
        assert np.all((trace[g] > 0) & (trace[g] < 1))


@pytest.mark.parametrize("convention", ["torch", "cho", "chung"])
def test_gru_trace_matches_the_layer(convention):
    torch.manual_seed(1)
    layer = GRU(2, 4, batch_first=True, convention=convention)
    x = torch.randn(1, 6, 2)
    out, _ = layer(x)
    trace = gates.gru_gates(layer.cells[0], x[0])
    assert set(trace) == set("rznh") and trace["z"].shape == (6, 4)
    assert np.allclose(trace["h"], out[0].detach().numpy(), atol=1e-6)


def test_trace_errors_and_reaction():
    torch.manual_seed(0)
    with pytest.raises(ValueError, match=r"shape \(T, D\)"):
        gates.lstm_gates(LSTM(3, 5).cells[0], torch.randn(2, 4, 3))
    with pytest.raises(TypeError, match="LSTMCell"):
        gates.lstm_gates(RNNCell(3, 5), torch.randn(4, 3))
    trace = {"i": np.zeros((10, 2))}
    trace["i"][4:] = 1.0                        # one jump, at t = 4
    assert gates.gate_reaction(trace, "i", [4]) > 1e6
    with pytest.raises(ValueError):
        gates.gate_reaction(trace, "i", [])


def test_state_jacobians_match_autograd_over_the_whole_sequence():
    cell = highway.make_cell("LSTM", 2, 3, seed=0)
    x = torch.randn(5, 2, dtype=torch.float64)
    jac = highway.state_jacobians(cell, x)
    assert jac.shape == (5, 6, 6)
    norms = highway.product_norms(jac)

    def run(s0):                                 # s_0 (2H,) -> s_T (2H,)
        state = tuple(p.unsqueeze(0) for p in s0.split(3))
        for xp_t in cell.project_input(x):
            state = cell.step(xp_t.unsqueeze(0), state)
        return torch.cat(state, 1).squeeze(0)

    full = torch.autograd.functional.jacobian(run, torch.zeros(6, dtype=torch.float64))
    assert norms[0] == pytest.approx(np.linalg.norm(full.detach().numpy(), 2), rel=1e-9)
    assert norms[-1] == 1.0


def test_make_cell_keep_bias_and_rng_untouched():
    torch.manual_seed(123)
    before = torch.rand(1)
    torch.manual_seed(123)
    cell = highway.make_cell("GRU", 2, 4, keep_bias=3.0)
    assert torch.equal(torch.rand(1), before), "make_cell leaves the global random state alone"
    assert torch.all(cell.bias_ih[4:8] == 3.0) and torch.all(cell.bias_hh[4:8] == 0.0)
    lstm = highway.make_cell("LSTM", 2, 4)
    assert torch.all(lstm.bias_ih[4:8] + lstm.bias_hh[4:8] == 1.0), "course init: forget bias 1"
    with pytest.raises(ValueError, match="kind"):
        highway.make_cell("Transformer")
    with pytest.raises(ValueError, match="finite scale"):
        highway.make_cell("RNN", scale=float("inf"))


def test_keep_bias_opens_the_gru_highway():
    x = np.random.default_rng(0).uniform(size=(60, 2))
    open_ = highway.highway_flow("GRU", x, keep_bias=6.0).norms[0]
    shut = highway.highway_flow("GRU", x, keep_bias=-2.0).norms[0]
    assert open_ > 0.5 and shut < 1e-10


@pytest.mark.parametrize("T, init, scale, bias", [
    (1, "course", 0.0, -3.0), (300, "course", 4.0, 6.0), (300, "torch", 0.0, -3.0), (2, "torch", 4.0, 6.0),
])
def test_highway_widget_extremes_draw(T, init, scale, bias):
    flows = highway.highway_flows(T, init, scale, bias)
    fig = gplots.highway_figure(flows, keep_bias=bias)
    assert set(flows) == {"RNN", "LSTM", "GRU"} and all(len(f.norms) == T + 1 for f in flows.values())
    plt.close(fig)
    gplots.highway_widget(T, init, scale, bias)   # shows (Agg: nothing) and returns None
    plt.close("all")


def test_highway_overflow_is_marked_not_raised():
    flows = highway.highway_flows(300, "course", 4.0, 1.0)
    plt.close(gplots.highway_figure(flows, keep_bias=1.0))
    assert flows["RNN"].overflow_from is not None


def test_heatmaps_and_race_figure():
    torch.manual_seed(0)
    layer = GRU(2, 4, batch_first=True)
    x = torch.rand(9, 2)
    fig = gplots.gate_heatmaps(gates.gru_gates(layer.cells[0], x), x, gates=("z", "r", "h"), marks=[2, 6])
    assert len(fig.axes) == 4 + 3                # input, three gates, three colour bars
    plt.close(fig)
    from rnnlab.experiments.fair import Contender

    adding = {"RNN": Contender("RNN", 1e-3, [0, 1], [0.17, 0.16], 10), "GRU": Contender("GRU", 1e-2, [0, 1], [1e-4, 2e-4], 9)}
    copy = {"LSTM": Contender("LSTM", 3e-3, [0], [0.8], 10)}
    fig = gplots.race_figure([("adding", adding, 1 / 6, "test MSE"), ("copy", copy, 1.0, "cross-entropy / baseline")])
    assert len(fig.axes) == 2 and fig.axes[0].get_yscale() == "log" and fig.axes[1].get_yscale() == "linear"
    plt.close(fig)
