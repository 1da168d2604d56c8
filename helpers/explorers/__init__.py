"""The notebooks' interactive explorers, one module per notebook, all on one wiring (``Explorer``).

Each explorer's science is a pure function in its topic module, tested without ipywidgets:

| notebook | explorer | pure function |
|---|---|---|
| 01 | ``power_law_explorer()`` | ``synthetic.power_law_fit_demo`` |
| 02 | ``henighan_explorer()`` | ``henighan.henighan_curves`` |
| 03 | ``emergence_explorer()`` | ``metrics.emergence_view`` |
| 04 | ``architecture_explorer()`` | ``architecture.TransformerShape.summary_lines`` |
| 05 | ``kaplan_explorer()`` | ``kaplan.kaplan_joint_view`` |
| 06 | ``isoflop_bias_explorer()`` | ``approaches.isoflop_profile_fit`` |
| 07 | ``bootstrap_explorer(N, D, loss)`` | ``fitting.bootstrap_view`` |
| 08 | ``reconcile_explorer()`` | ``reconcile.compare_frontiers`` |
| 09 | ``lab_explorer(law, N, D, loss, max_tokens)`` | ``approaches.budget_view`` |
| 10 | ``data_constrained_explorer()`` | ``datalimits.data_limit_view`` |
| 11 | ``inference_explorer()`` | ``inference.demand_view`` |
| 12 | ``sampling_explorer()`` | ``testtime.repeated_sampling_view`` |
| 13 | ``broken_explorer()`` | ``broken.break_fit_view`` |
| 14 | ``plan_explorer()`` | ``plan.plan_view`` |
"""
from helpers.explorers._wiring import Explorer
from helpers.explorers.architecture import architecture_explorer
from helpers.explorers.bootstrap import bootstrap_explorer
from helpers.explorers.broken import broken_explorer
from helpers.explorers.datalimits import data_constrained_explorer
from helpers.explorers.emergence import emergence_explorer
from helpers.explorers.inference import inference_explorer
from helpers.explorers.isoflop import isoflop_bias_explorer
from helpers.explorers.kaplan import kaplan_explorer
from helpers.explorers.lab import lab_explorer
from helpers.explorers.plan import plan_explorer
from helpers.explorers.power_laws import power_law_explorer
from helpers.explorers.reconcile import reconcile_explorer
from helpers.explorers.saturating import henighan_explorer
from helpers.explorers.testtime import sampling_explorer

__all__ = ["Explorer", "power_law_explorer", "henighan_explorer", "emergence_explorer", "architecture_explorer",
           "kaplan_explorer", "isoflop_bias_explorer", "bootstrap_explorer", "reconcile_explorer", "lab_explorer",
           "inference_explorer", "sampling_explorer", "data_constrained_explorer", "broken_explorer",
           "plan_explorer"]
