package dev.trimtab.local.chaos;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The seeded schedule of faults over the load phase: kills (SIGKILL an instance, start it again),
 * broker restarts (SIGKILL and start), API fault episodes (the configured rates for a while) and API
 * outages ({@code down(true)} for a while). The faults are shuffled into evenly spaced slots between
 * 10% of the load phase and 8 s before its end; the run starts each at its slot or
 * {@link #MIN_GAP_MILLIS} after the previous one cleared, whichever is later, and not before the
 * consumer group has caught up with the load again (at most {@link #MAX_SETTLE_MILLIS} more), so
 * each has room to converge before the next (and leaves out those that no longer fit).
 */
final class FaultPlan {
    enum Kind {
        KILL,
        BROKER_RESTART,
        API_FAULTS,
        API_DOWN
    }

    /** The least time between a fault's clearing and the next fault's start: room to converge. */
    static final long MIN_GAP_MILLIS = 7_000;
    /**
     * How long past {@link #MIN_GAP_MILLIS} the next fault waits for the group to catch up (its lag
     * within a few seconds of events): an instance back from a kill may still be deciding its
     * partitions' backlog, and a fault then would be measured together with the one before.
     */
    static final long MAX_SETTLE_MILLIS = 30_000;
    /** No fault starts this close to the end of the load phase. */
    static final long QUIET_END_MILLIS = 5_000;

    /** A fault to start {@code atMillis} after the generator started; {@code instance} for kills. */
    record Step(Kind kind, long atMillis, int instance) {}

    private FaultPlan() {}

    static List<Step> plan(ChaosOptions o, long seed) {
        Random r = new Random(seed);
        List<Kind> kinds = new ArrayList<>();
        for (int i = 0; i < o.kills(); i++) {
            kinds.add(Kind.KILL);
        }
        for (int i = 0; i < o.brokerRestarts(); i++) {
            kinds.add(Kind.BROKER_RESTART);
        }
        for (int i = 0; i < o.apiEpisodes(); i++) {
            kinds.add(Kind.API_FAULTS);
        }
        for (int i = 0; i < o.apiOutages(); i++) {
            kinds.add(Kind.API_DOWN);
        }
        Collections.shuffle(kinds, r);
        long from = o.load().toMillis() / 10;
        long to = Math.max(from + 1, o.load().toMillis() - 8_000);
        List<Step> steps = new ArrayList<>();
        if (kinds.isEmpty()) {
            return steps;
        }
        long slot = (to - from) / kinds.size();
        for (int i = 0; i < kinds.size(); i++) {
            long at = from + i * slot + (slot > 4 ? (long) (r.nextDouble() * slot / 4) : 0);
            steps.add(new Step(kinds.get(i), at, kinds.get(i) == Kind.KILL ? r.nextInt(o.instances()) : -1));
        }
        return steps;
    }
}
