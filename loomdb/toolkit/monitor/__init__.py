"""`loomdb monitor`: a live view of a target from two successive snapshots (remote/snapshot.py). derive.py turns
two snapshots into rates and percentiles (quantile.py: PromQL's histogram_quantile), alerts.py evaluates the rules,
session.py is the loop the TUI (app.py, textual, imported only for the dashboard) and `--once` share, view.py the
panels as rich tables."""
from .alerts import AlertRule, load_rules
from .derive import Window, derive
from .quantile import histogram_quantile
from .session import Monitor, live_source, once, replay_source

__all__ = ["AlertRule", "Monitor", "Window", "derive", "histogram_quantile", "live_source", "load_rules", "once",
           "replay_source"]
