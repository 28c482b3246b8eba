package dev.trimtab.ingest.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * When each pulled query is due (KEDA's {@code pollingInterval}): a query is due when it never ran
 * here, when its interval has passed since it last started, or when the clock went back past that
 * start; never while it is still in flight. A query no longer listed is forgotten, so one that
 * comes back (a policy moved here again) runs at once. Not thread-safe: one caller, the tick.
 */
public final class PullSchedule {
    private final Map<String, Long> lastStart = new HashMap<>();

    /**
     * The keys due at {@code nowMillis}, in the order given, each marked as started now.
     *
     * @param intervalMillis each query's key and interval; keys not in it are forgotten
     * @param inFlight       keys whose previous run has not ended: not due
     */
    public List<String> due(Map<String, Long> intervalMillis, Set<String> inFlight, long nowMillis) {
        lastStart.keySet().retainAll(intervalMillis.keySet());
        List<String> out = new ArrayList<>();
        intervalMillis.forEach((key, interval) -> {
            Long last = lastStart.get(key);
            boolean due = last == null || nowMillis < last || nowMillis - last >= interval;
            if (due && !inFlight.contains(key)) {
                lastStart.put(key, nowMillis);
                out.add(key);
            }
        });
        return out;
    }

    /** A due query that could not be started (its pool was full): due again at the next call. */
    public void notStarted(String key) {
        lastStart.remove(key);
    }
}
