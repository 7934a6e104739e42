"""A background worker: it processes jobs forever and proves it is alive
by touching /tmp/heartbeat after every round."""
import pathlib
import time

HEARTBEAT = pathlib.Path("/tmp/heartbeat")

rounds = 0
while True:
    rounds += 1
    HEARTBEAT.write_text("round %d\n" % rounds)
    print("worker: round %d done" % rounds, flush=True)
    time.sleep(1)
