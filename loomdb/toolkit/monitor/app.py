"""The full-screen dashboard (textual): a status line, the overview and per-operation panels side by side, the
shards below, the alert log at the bottom. Each refresh runs `Monitor.step` in a thread of its own (a slow scrape never
freezes the keys) and redraws the panels from the new window. Keys: q quit, p pause/resume, r reset."""
from __future__ import annotations

import threading
from typing import ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Footer, RichLog, Static

from . import view
from .alerts import LogEntry
from .derive import Window
from .session import Monitor


class MonitorApp(App[None]):
    TITLE = "loomdb monitor"
    CSS = """
    #status { height: auto; padding: 0 1; background: $boost; }
    #top { height: auto; max-height: 60%; }
    #summary { width: 44; height: auto; }
    #operations { width: 1fr; height: auto; }
    #shards-box { height: 1fr; min-height: 5; }
    #alerts { height: 8; border-top: solid $accent; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("q", "quit", "Quit"), Binding("p", "toggle_pause", "Pause"),
                                             Binding("r", "reset", "Reset rates and alerts")]

    def __init__(self, monitor: Monitor, interval_s: float, target: str) -> None:
        super().__init__()
        self.monitor = monitor
        self.interval_s = interval_s
        self.target = target
        self.paused = False
        self.window: Window | None = None
        self.finished = False          # a replay ran out
        self._busy = False
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="status")
        with Horizontal(id="top"):
            yield Static(id="summary")
            yield Static(id="operations")
        with VerticalScroll(id="shards-box"):
            yield Static(id="shards")
        yield RichLog(id="alerts", wrap=False, markup=False, max_lines=500)
        yield Footer()

    def on_mount(self) -> None:
        self._status("connecting…")
        self._timer = self.set_interval(self.interval_s, self._refresh)
        self._refresh()

    class Refreshed(Message):
        """A refresh ended (posted from its thread): the new window or why there is none."""

        def __init__(self, window: Window | None, new_entries: list[LogEntry], error: str = "") -> None:
            super().__init__()
            self.window = window
            self.new_entries = new_entries
            self.error = error

    def _refresh(self) -> None:
        if self.paused or self._busy or self.finished:
            return
        self._busy = True
        # a daemon thread, not a textual worker: quitting never waits for a scrape still under way
        threading.Thread(target=self._scrape, name="monitor-refresh", daemon=True).start()

    def _scrape(self) -> None:
        try:
            window = self.monitor.step()
        except Exception as exc:        # shown on the status line; the next refresh tries again
            self.post_message(self.Refreshed(None, [], f"refresh failed: {type(exc).__name__}: {exc}"))
        else:
            self.post_message(self.Refreshed(window, list(self.monitor.new_entries)))

    def on_monitor_app_refreshed(self, message: Refreshed) -> None:
        self._busy = False
        if message.error:
            self._status(message.error)
            return
        window = message.window
        if window is None:
            self.finished = True
            self._status("end of recording")
            return
        self.window = window
        self.query_one("#summary", Static).update(view.summary(window))
        self.query_one("#operations", Static).update(view.operations(window))
        self.query_one("#shards", Static).update(view.shards(window))
        log = self.query_one("#alerts", RichLog)
        for entry in message.new_entries:
            log.write(view.alert_line(entry))
        self._status()

    def _status(self, note: str = "") -> None:
        window = self.window
        parts: list[str | tuple[str, str]] = [(self.target, "bold")]
        if window is not None:
            parts.append(f"  refresh {self.interval_s:g} s  #{self.monitor.steps}")
            firing = len(self.monitor.firing)
            parts.append(("  " + (f"{firing} alert(s) firing" if firing else "no alert firing"),
                          "bold red" if firing else "green"))
        if self.paused:
            parts.append(("  PAUSED (p resumes)", "bold yellow"))
        if note:
            parts.append(f"  {note}")
        notice = view.degraded_notice(window) if window is not None else None
        text = Text.assemble(*parts)
        if notice:
            text.append("\n" + notice, style="bold yellow")
        self.query_one("#status", Static).update(text)

    def action_toggle_pause(self) -> None:
        self.paused = not self.paused
        self._status()
        if not self.paused:
            self._refresh()

    def action_reset(self) -> None:
        self.monitor.reset()
        self.query_one("#alerts", RichLog).clear()
        self._status("reset: rates restart from the next refresh")
