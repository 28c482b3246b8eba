package dev.trimtab.autoscaler.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Who wrote a target's {@code spec.replicas}. Trimtab notes each count it is about to write
 * ({@link #writing}, before the write, so the update it causes can never arrive first); when an
 * observed update changes {@code spec.replicas} to a count Trimtab has not written within
 * {@link #MEMORY_MILLIS} (the last {@link #MEMORY} counts per target), someone else wrote it: a
 * {@link ForeignWrite}. A foreign write of exactly a count Trimtab wrote recently is not seen; a
 * first sight of a target is not a change.
 *
 * <p>Only the caller knows whether a change is news (seen live, on a target it decides for) or an
 * old event replayed, or another Trimtab replica's write: it {@link #drain}s what was seen and
 * {@link #confirm}s the writes it takes as foreign; only confirmed writes make policies hold.
 */
public final class ReplicaWriters {
    /** How many of its own recent writes per target are remembered. */
    static final int MEMORY = 16;
    /** How long an own write is remembered. */
    public static final long MEMORY_MILLIS = 10 * 60_000L;
    /** Foreign writes kept until drained; beyond, the oldest go (replay never drains). */
    static final int MAX_UNREPORTED = 1024;

    /**
     * A change of {@code spec.replicas} nobody at Trimtab made.
     *
     * @param lastOwnReplicas the last count Trimtab wrote, or -1 when it has written none
     * @param lastOwnMillis   when it did, or -1
     */
    public record ForeignWrite(
            ObjectRef target,
            int fromReplicas,
            int toReplicas,
            long atMillis,
            int lastOwnReplicas,
            long lastOwnMillis) {
        public String message() {
            return "spec.replicas of " + target + " changed from " + fromReplicas + " to " + toReplicas
                    + ", a value Trimtab did not write"
                    + (lastOwnReplicas < 0 ? " (it has written none)" : " (it last wrote " + lastOwnReplicas + ")")
                    + ": another writer scales this workload";
        }
    }

    private record Write(int replicas, long atMillis) {}

    private final Map<ClusterState.TargetKey, Deque<Write>> own = new HashMap<>();
    private final Map<ClusterState.TargetKey, ForeignWrite> lastForeign = new HashMap<>();
    private final List<ForeignWrite> unreported = new ArrayList<>();

    /** Trimtab is about to write {@code replicas} to {@code target}. */
    public void writing(ObjectRef target, int replicas, long nowMillis) {
        Deque<Write> writes = own.computeIfAbsent(ClusterState.TargetKey.of(target), k -> new ArrayDeque<>());
        writes.addLast(new Write(replicas, nowMillis));
        while (writes.size() > MEMORY) {
            writes.removeFirst();
        }
    }

    /**
     * An update of a target was observed at {@code atMillis}, its {@code spec.replicas} going from
     * {@code previous} (null: first sight) to {@code current.specReplicas()}. Returns the foreign
     * write it shows, or null.
     */
    public ForeignWrite observed(ScaleTarget previous, ScaleTarget current, long atMillis) {
        if (previous == null || previous.specReplicas() == current.specReplicas()) {
            return null;
        }
        ClusterState.TargetKey key = ClusterState.TargetKey.of(current.ref());
        Deque<Write> writes = own.getOrDefault(key, new ArrayDeque<>());
        Write last = writes.peekLast();
        for (Write w : writes) {
            if (w.replicas() == current.specReplicas() && atMillis - w.atMillis() <= MEMORY_MILLIS) {
                return null;
            }
        }
        ForeignWrite f = new ForeignWrite(
                current.ref(),
                previous.specReplicas(),
                current.specReplicas(),
                atMillis,
                last == null ? -1 : last.replicas(),
                last == null ? -1 : last.atMillis());
        if (unreported.size() >= MAX_UNREPORTED) {
            unreported.remove(0);
        }
        unreported.add(f);
        return f;
    }

    /**
     * The caller takes {@code f} as a real second writer (it decides for the target, and saw the
     * change live, not in a replay of older events): policies on the target hold for a while.
     */
    public void confirm(ForeignWrite f) {
        lastForeign.put(ClusterState.TargetKey.of(f.target()), f);
    }

    /** The last confirmed foreign write on {@code target}, or null. */
    public ForeignWrite lastForeign(ObjectRef target) {
        return lastForeign.get(ClusterState.TargetKey.of(target));
    }

    /** The foreign writes seen since the last call, in order. */
    public List<ForeignWrite> drain() {
        List<ForeignWrite> out = List.copyOf(unreported);
        unreported.clear();
        return out;
    }

    /**
     * Forgets the confirmed foreign write on {@code target}, so its policies no longer hold for it:
     * this instance stopped deciding for it (its partition moved), and the next owner never took
     * that write as news either, so a hold must not come back with the partition.
     */
    public void forgetForeign(ObjectRef target) {
        lastForeign.remove(ClusterState.TargetKey.of(target));
    }

    /** Forgets a target (deleted). */
    public void remove(ObjectRef target) {
        ClusterState.TargetKey key = ClusterState.TargetKey.of(target);
        own.remove(key);
        lastForeign.remove(key);
    }
}
