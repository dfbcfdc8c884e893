"""Keep the embedded PostgreSQL up: a thread that starts it again when it has died (after a kill -9 the stale lock
files are removed first, see EmbeddedCluster.revive); requests in between answer 503 and the pool's pre-ping
reconnects afterwards."""

from __future__ import annotations

import logging
import threading

from geo.db.embedded import EmbeddedCluster

log = logging.getLogger("warroom.supervise")


class Supervisor(threading.Thread):
    """Check the cluster every `interval` seconds until stopped."""

    def __init__(self, cluster: EmbeddedCluster, interval: float = 5.0):
        super().__init__(name="warroom-db-supervisor", daemon=True)
        self.cluster = cluster
        self.interval = interval
        self.stopped = threading.Event()
        self.restarts = 0

    def run(self) -> None:
        """Revive the cluster whenever it is found dead."""
        while not self.stopped.wait(self.interval):
            try:
                if self.cluster.revive():
                    self.restarts += 1
                    log.warning("embedded PostgreSQL restarted (%d since start)", self.restarts)
            except Exception:  # a failed start is logged and tried again next round, never ends the thread
                log.exception("could not restart the embedded PostgreSQL")

    def stop(self) -> None:
        """End the thread."""
        self.stopped.set()
        self.join(self.interval + 5)
