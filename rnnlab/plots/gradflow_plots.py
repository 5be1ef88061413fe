"""Drawing for notebook 03 (vanishing and exploding gradients), widget callbacks included.

The measurements are :mod:`rnnlab.experiments.gradflow`'s; this module only draws them. Each
``*_figure`` function draws a new matplotlib figure and never raises for any slider value:
overflow, ``inf`` and ``nan`` are drawn at the edge of the plot with a marker and a note.
Each ``*_widget`` function is an ``ipywidgets.interact`` callback: it measures (by calling
``rnnlab.experiments.gradflow``), draws, shows the figure and returns ``None`` (so
``interact`` displays nothing twice).
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

from rnnlab.experiments.gradflow import (
    CEILING, CLIFF_LR, CLIFF_POINT, GradientFlow, cliff_landscape, clipping_step, measure_gradient_flow,
)

#: Norms below this are drawn at it (log axes cannot show 0).
FLOOR = 1e-30
MEASURED, BOUND, OVER = "#1f77b4", "#444444", "#d62728"


def _power_of_ten(value, _pos=None) -> str:
    # plain-text tick labels: matplotlib's default $10^{k}$ goes through mathtext, which costs
    # most of a widget redraw; "1e-05" reads as well and is ~10x cheaper
    return f"1e{int(round(np.log10(value)))}" if value > 0 else "0"


def _log_y(ax) -> None:
    ax.set_yscale("log")
    ax.yaxis.set_major_locator(LogLocator(base=10, numticks=8))
    ax.yaxis.set_major_formatter(FuncFormatter(_power_of_ten))
    ax.yaxis.set_minor_locator(NullLocator())  # minor ticks: hundreds of artists per redraw


def _fmt(v: float) -> str:
    return f"{v:.3g}" if np.isfinite(v) else str(v)


def plot_gradient_flow(flow, ax, label: str | None = None, color: str = MEASURED,
                       show_bound: bool = True, notes: bool = True, floor: float = FLOOR):
    """Draw ``||dh_T/dh_t||`` against ``t`` (log y) on ``ax``, the bound dashed over it.

    ``flow`` is a :class:`rnnlab.experiments.gradflow.GradientFlow`. Overflow (beyond float32, inf or
    nan) is drawn at the ceiling with red ▲; norms below ``floor`` (or exactly 0) at the
    floor with ▼; a note says from which ``t`` on. Several flows can share one ``ax``: the
    y-limits grow to hold them all.
    """
    t, norms = flow.t, flow.norms
    over = flow.overflow
    under = ~over & (norms < floor)
    shown = np.clip(np.nan_to_num(norms, nan=CEILING, posinf=CEILING), floor, CEILING)
    ax.plot(t[~over & ~under], shown[~over & ~under], ".-", color=color, ms=4, lw=1.2,
            label=label or "measured ‖∂h_T/∂h_t‖")
    finite = shown[~over & ~under]
    low = min(finite.min() if finite.size else 1.0, 1.0, floor if under.any() else np.inf) / 30
    high = max(finite.max() if finite.size else 1.0, 1.0, CEILING if over.any() else 0.0)
    if show_bound:  # let the bound show a little above the measurement, no further
        high = max(high, min(np.nan_to_num(flow.bound.max(), posinf=1e300), high * 1e4))
    high *= 30
    if show_bound:  # values far beyond the axes are clipped (off screen) to spare the log scale
        bound = np.clip(np.nan_to_num(flow.bound, posinf=high * 1e3), low / 1e3, high * 1e3)
        ax.plot(t, bound, "--", color=BOUND, lw=1.2,
                label=f"bound (γ σ_max)^(T−t) = {_fmt(flow.gamma * flow.sigma_max)}^(T−t)")
    texts = []
    if over.any():
        ax.plot(t[over], shown[over], "^", color=OVER, ms=5, label="overflow (> float32 max)")
        texts.append(f"overflow beyond float32 for t ≤ {flow.overflow_from}")
    if under.any():
        ax.plot(t[under], shown[under], "v", color="#9467bd", ms=5, label=f"below {floor:.0e} (or exactly 0)")
        texts.append(f"below {floor:.0e} for t ≤ {int(t[under].max())}")
    previous = getattr(ax, "_rnnlab_ylim", None)
    if previous is not None:
        low, high = min(low, previous[0]), max(high, previous[1])
    ax._rnnlab_ylim = (low, high)
    _log_y(ax)
    ax.set_ylim(low, high)
    ax.set_xlim(-0.5, flow.T + 0.5)
    ax.set_xlabel("time step t  (the loss sits at t = T)")
    ax.set_ylabel("‖∂h_T / ∂h_t‖₂")
    if notes and texts:
        ax.text(0.02, 0.03, "\n".join(texts), transform=ax.transAxes, color=OVER, fontsize=9,
                va="bottom", bbox=dict(facecolor="white", alpha=0.8, edgecolor="none"))
    return ax


def gradient_flow_figure(flow: GradientFlow):
    """Draw one measured gradient flow (:func:`rnnlab.experiments.gradflow.measure_gradient_flow`),
    its bound and its verdict. Returns the figure."""
    nonlinearity, init, scale = flow.nonlinearity, flow.init, flow.scale
    fig, ax = plt.subplots(figsize=(7.5, 4))
    fig.subplots_adjust(left=0.11, right=0.98, bottom=0.12, top=0.86)  # fixed: tight_layout costs a draw
    plot_gradient_flow(flow, ax)
    factor = flow.gamma * flow.sigma_max
    cond = "holds: must vanish" if factor < 1 else "does not hold: may vanish or explode"
    ax.set_title(
        f"{nonlinearity}, {init} W_hh × {scale:g}:  spectral radius ρ = {flow.spectral_radius:.2f},  "
        f"σ_max = {flow.sigma_max:.2f}\n"
        f"sufficient condition γ σ_max = {factor:.2f} < 1 {cond};  measured: {flow.verdict}", fontsize=10)
    ax.legend(loc="upper left" if flow.verdict != "explodes" else "center left", fontsize=8)
    return fig


def gradient_flow_caption(scale: float, T: int, flow) -> str:
    """One line of the figure's numbers, printed under the widget's figure (and read by the browser test)."""
    return (f"scale {scale:g}, T = {int(T)}: spectral radius ρ = {flow.spectral_radius:.3f}, "
            f"σ_max = {flow.sigma_max:.3f}, γ σ_max = {flow.gamma * flow.sigma_max:.3f}, measured: {flow.verdict}")


def gradient_flow_widget(scale=1.0, T=50, nonlinearity="tanh", init="gaussian"):
    """``ipywidgets.interact`` callback: draw :func:`gradient_flow_figure`, show it and its numbers."""
    flow = measure_gradient_flow(scale, int(T), nonlinearity, init)
    gradient_flow_figure(flow)
    plt.show()
    print(gradient_flow_caption(scale, T, flow))


# ---------------------------------------------------------------- clipping

def clipping_figure(threshold: float = 5.0, lr: float = CLIFF_LR, point=CLIFF_POINT):
    """The cliff of a one-unit RNN, the raw gradient step from ``point``, and the clipped one.

    Left: the loss ``L(w, b)`` of ``h_t = tanh(w h_{t-1} + b)`` with both steps drawn (the
    raw one is usually off the chart: an arrow to the edge says where it lands). Right: the
    step lengths and the loss where each step lands. Returns ``(fig, info)``, ``info`` a dict
    with ``grad_norm``, ``raw_step``, ``clipped_step`` (arrays (2,)), ``raw_loss``,
    ``clipped_loss``, ``start_loss`` and ``raw_end_grad_norm`` (the gradient where the raw
    step lands).
    """
    info = clipping_step(threshold, lr, point)
    w0, b0 = point
    raw_step, clipped_step, norm = info["raw_step"], info["clipped_step"], info["grad_norm"]
    raw_loss, clipped_loss, raw_end_grad = info["raw_loss"], info["clipped_loss"], info["raw_end_grad_norm"]

    fig, (ax, bx) = plt.subplots(1, 2, figsize=(10, 4), gridspec_kw=dict(width_ratios=[1.4, 1]))
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.12, top=0.91, wspace=0.3)
    image = ax.imshow(cliff_landscape(), extent=(0.0, 3.0, -1.0, 1.0), origin="lower",
                      aspect="auto", cmap="viridis", interpolation="nearest")
    fig.colorbar(image, ax=ax, label="loss (h_20 − 0.5)²")
    ax.plot([w0], [b0], "o", color="white", mec="black", ms=7, zorder=5)
    box = np.array([[0.0, 3.0], [-1.0, 1.0]])

    def arrow(step, color, text):
        end = np.array([w0, b0]) + np.nan_to_num(step)
        inside = np.all((end >= box[:, 0]) & (end <= box[:, 1]))
        if not inside:  # shorten to the chart's edge, keep the direction
            d = np.nan_to_num(step)
            with np.errstate(divide="ignore", invalid="ignore"):
                ts = [((box[i, 1] if d[i] > 0 else box[i, 0]) - (w0, b0)[i]) / d[i] for i in range(2) if d[i] != 0]
            end = np.array([w0, b0]) + d * min(ts + [1.0]) * 0.97
        ax.annotate("", xy=end, xytext=(w0, b0),
                    arrowprops=dict(arrowstyle="->", color=color, lw=2, linestyle="-" if inside else "--"))
        ax.text(end[0], end[1], text + ("" if inside else " (off chart)"), color="black", fontsize=8,
                ha="right", va="top" if end[1] > 0.5 else "bottom",
                bbox=dict(facecolor="white", alpha=0.7, edgecolor="none"))

    arrow(raw_step, OVER, "raw step")
    arrow(clipped_step, "white", "clipped")
    ax.set_xlabel("w  (recurrent weight)")
    ax.set_ylabel("b  (bias)")
    ax.set_title("h_t = tanh(w h_(t−1) + b): a cliff in the loss", fontsize=10)

    lengths = [float(np.linalg.norm(raw_step)), float(np.linalg.norm(clipped_step))]
    shown = [min(v, 1e30) if np.isfinite(v) else 1e30 for v in lengths]
    bars = bx.bar(["raw", "clipped"], shown, color=[OVER, MEASURED])
    _log_y(bx)
    bx.axhline(lr * threshold, color=BOUND, ls="--", lw=1, label=f"lr × threshold = {lr * threshold:.3g}")
    notes = [f"\n|gradient| there {_fmt(raw_end_grad)}", ""]
    for bar, length, loss, note in zip(bars, lengths, [raw_loss, clipped_loss], notes):
        bx.text(bar.get_x() + bar.get_width() / 2, bar.get_height(),
                f"length {_fmt(length)}\nloss after {_fmt(loss)}{note}", ha="center", va="bottom", fontsize=8)
    bx.set_ylim(min(shown + [lr * threshold]) / 10, max(shown + [lr * threshold]) * 30)
    bx.set_ylabel(f"update length ‖Δθ‖ (lr = {lr:g})")
    bx.set_title(f"‖g‖ = {_fmt(norm)}, threshold = {threshold:.3g}: "
                 + ("clipped" if norm > threshold else "not clipped"), fontsize=10)
    bx.legend(loc="upper right", fontsize=8)
    return fig, info


def clipping_widget(threshold=5.0):
    """``ipywidgets.interact`` callback: draw :func:`clipping_figure` and show it."""
    clipping_figure(threshold)
    plt.show()


# ---------------------------------------------------------------- the recall task

def recall_figure(lengths, accuracies, first_grad_ratios, chance: float):
    """Accuracy and ``||dL/dh_1|| / ||dL/dh_T||`` against the sequence length ``T``.

    ``lengths``, ``accuracies`` and ``first_grad_ratios`` are sequences of equal length.
    Returns ``(fig, None)``.
    """
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(10, 3.6))
    ax.plot(lengths, accuracies, "o-", color=MEASURED, label="vanilla RNN (tanh)")
    ax.axhline(chance, color=BOUND, ls="--", lw=1, label=f"chance = {chance:.2f}")
    ax.set_ylim(0, 1.05)
    ax.set_xlabel("sequence length T")
    ax.set_ylabel("test accuracy")
    ax.set_title("recall the first symbol after T - 1 distractors", fontsize=10)
    ax.legend(fontsize=8)
    ratios = np.clip(np.nan_to_num(np.asarray(first_grad_ratios, float), nan=FLOOR), FLOOR, None)
    bx.semilogy(lengths, ratios, "o-", color=OVER)
    bx.set_xlabel("sequence length T")
    bx.set_ylabel("$\\|\\partial L/\\partial h_1\\| \\,/\\, \\|\\partial L/\\partial h_T\\|$")
    bx.set_title("the share of the gradient that reaches the key (at init)", fontsize=10)
    fig.tight_layout()
    return fig, None
