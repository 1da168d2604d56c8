"""Notebook 02's explorer: Henighan et al. 2020's laws for one modality, with their irreducible losses."""
import ipywidgets as ipw

from helpers import plots
from helpers.explorers._wiring import Explorer, figure
from helpers.henighan import henighan_curves, henighan_domains

__all__ = ["henighan_explorer"]


def henighan_explorer():
    """A drop-down over Henighan et al. 2020's modalities; plots L(N) and L(C) with their
    irreducible losses and gives the exponents in the caption.  Introduced in 02.

    Returns an Explorer.
    """
    domains = henighan_domains()
    controls = {"domain": ipw.Dropdown(options=domains, value=domains[1], description="modality",
                                       layout=ipw.Layout(width="22em"))}
    fig, (ax_n, ax_c) = figure(ncols=2, figsize=(10, 3.8))
    panels = []
    for ax, xlabel, name in ((ax_n, "N (non-embedding parameters)", "L(N)"), (ax_c, "C (PF-days)", "L(C)")):
        line, = ax.plot([], [], label=name)
        floor = ax.axhline(1.0, color="0.4", linestyle=":", linewidth=1.5)
        plots.loglog(ax, xlabel, "loss (nats/token)", mathtext=False)
        panels.append((ax, line, floor))

    def draw(domain):
        curves = henighan_curves(domain)
        for (ax, line, floor), x, y, law in ((panels[0], curves.N, curves.loss_N, curves.law_N),
                                             (panels[1], curves.C, curves.loss_C, curves.law_C)):
            line.set_data(x, y)
            floor.set_ydata([law.E, law.E])
            floor.set_visible(law.E > 0)
            # The legend lists the irreducible loss only where the table gives one (and is made
            # again only when that changes: making a legend takes longer than the rest of a redraw).
            floor.set_label("irreducible loss" if law.E > 0 else "_nolegend_")
            low = min(y.min(), law.E) if law.E > 0 else y.min()
            ax.set_xlim(x[0], x[-1])
            ax.set_ylim(low / 1.1, y.max() * 1.1)
            entries = [line.get_label()] + (["irreducible loss"] if law.E > 0 else [])
            legend = ax.get_legend()
            if legend is None or [t.get_text() for t in legend.get_texts()] != entries:
                ax.legend(loc="upper right")
        floor_n = f"L_inf = {curves.law_N.E:g}" if curves.law_N.E > 0 else "no floor"
        floor_c = f"L_inf = {curves.law_C.E:g}" if curves.law_C.E > 0 else "no floor"
        ax_n.set_xlabel(f"N (non-embedding parameters), {domain}")
        ax_c.set_xlabel(f"C (PF-days), {domain}")
        return (f"{domain}: L(N) with alpha_N = {curves.law_N.alpha:g}, {floor_n}; "
                f"L(C) with alpha_C = {curves.law_C.alpha:g}, {floor_c}")

    moving = [artist for _, line, floor in panels for artist in (line, floor)]
    return Explorer("Henighan et al. 2020's laws by modality", controls, draw, fig, moving=moving)
