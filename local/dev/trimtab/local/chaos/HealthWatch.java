package dev.trimtab.local.chaos;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Polls every instance's {@code /q/health/ready} and {@code /q/health/live} (every 250 ms) and
 * keeps each change of answer: UP (200), DOWN (503 or another code) or GONE (no answer).
 */
final class HealthWatch {
    enum State {
        UP,
        DOWN,
        GONE
    }

    /** A change of one instance's readiness or liveness, seen at {@code atMillis}. */
    record Change(int instance, String probe, State state, long atMillis) {}

    private final List<Instance> instances;
    private final List<Change> changes = new ArrayList<>();
    private final Map<String, State> last = new HashMap<>();
    private volatile boolean stopped;

    HealthWatch(List<Instance> instances) {
        this.instances = instances;
    }

    /** One polling thread per instance and probe, so a slow answer delays no other. */
    void start() {
        for (Instance i : instances) {
            for (String probe : List.of("ready", "live")) {
                Thread t = new Thread(() -> poll(i, probe), "health-" + i.number() + "-" + probe);
                t.setDaemon(true);
                t.start();
            }
        }
    }

    private void poll(Instance i, String probe) {
        while (!stopped) {
            int code = i.health(probe);
            State s = code == 200 ? State.UP : code < 0 ? State.GONE : State.DOWN;
            observe(i.number(), probe, s, System.currentTimeMillis());
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private synchronized void observe(int instance, String probe, State s, long at) {
        if (last.put(instance + "/" + probe, s) != s) {
            changes.add(new Change(instance, probe, s, at));
        }
    }

    void stop() {
        stopped = true;
    }

    synchronized List<Change> changes() {
        return List.copyOf(changes);
    }

    /**
     * How {@code probe} of {@code instance} went through an outage from {@code from} to {@code to}:
     * when it first left UP after {@code from} (before {@code to} + {@code grace}) and when it was
     * UP again after that; -1 for what was not seen.
     */
    synchronized Episode episode(int instance, String probe, long from, long to, long grace) {
        long down = -1;
        long up = -1;
        for (Change c : changes) {
            if (c.instance() != instance || !c.probe().equals(probe) || c.atMillis() < from) {
                continue;
            }
            if (down < 0 && c.state() != State.UP && c.atMillis() <= to + grace) {
                down = c.atMillis();
            } else if (down >= 0 && c.state() == State.UP) {
                up = c.atMillis();
                break;
            }
        }
        return new Episode(down, up);
    }

    /** When a probe went DOWN and back UP; -1 when not seen. */
    record Episode(long downAt, long upAt) {}
}
