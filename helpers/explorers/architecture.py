"""Notebook 04's explorer: what a Transformer's shape comes to in parameters and FLOPs (text)."""
import html

import ipywidgets as ipw

from helpers.architecture import transformer_shape
from helpers.explorers._wiring import Explorer, slider

__all__ = ["architecture_explorer", "VOCABULARY_SIZES"]

# Vocabulary sizes to choose from: round sizes and the 50,257 tokens of Kaplan et al.'s GPT-2 encoding.
VOCABULARY_SIZES = (1000, 8000, 16000, 32000, 50257, 65536, 100000, 128000, 256000)


def architecture_explorer():
    """Sliders for layers, width, context and vocabulary; prints what each parameter and FLOP
    count comes to.  Introduced in 04.

    Returns an Explorer (a text explorer: no figure).
    """
    controls = {
        "n_layer": slider(ipw.IntSlider, "layers", value=12, min=1, max=128),
        "d_model": slider(ipw.SelectionSlider, "d_model", options=[2 ** k for k in range(7, 15)], value=1024),
        "n_ctx": slider(ipw.SelectionSlider, "context", options=[2 ** k for k in range(8, 16)], value=1024),
        "vocab_size": slider(ipw.SelectionSlider, "vocabulary", options=VOCABULARY_SIZES, value=50257),
    }

    def draw(n_layer, d_model, n_ctx, vocab_size):
        shape = transformer_shape(n_layer, d_model, n_ctx=n_ctx, vocab_size=vocab_size)
        return "<br>".join(html.escape(line) for line in shape.summary_lines())

    rows = [ipw.HBox([controls["n_layer"], controls["d_model"]]),
            ipw.HBox([controls["n_ctx"], controls["vocab_size"]])]
    return Explorer("Parameters and FLOPs of a Transformer", controls, draw, rows=rows)
