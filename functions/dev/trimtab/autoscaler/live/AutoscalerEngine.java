package dev.trimtab.autoscaler.live;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trimtab.autoscaler.core.Autoscaler;
import dev.trimtab.autoscaler.core.Boundaries;
import dev.trimtab.autoscaler.core.ClusterState;
import dev.trimtab.autoscaler.core.History;
import dev.trimtab.autoscaler.core.KafkaLag;
import dev.trimtab.autoscaler.core.MetricSpec;
import dev.trimtab.autoscaler.core.ObjectRef;
import dev.trimtab.autoscaler.core.PromQuery;
import dev.trimtab.autoscaler.core.Reason;
import dev.trimtab.autoscaler.core.ReplicaWriters;
import dev.trimtab.autoscaler.core.ScaleClaim;
import dev.trimtab.autoscaler.core.ScaleDecision;
import dev.trimtab.autoscaler.core.ScaleTarget;
import dev.trimtab.autoscaler.core.ScalingPolicy;
import dev.trimtab.autoscaler.core.Settings;
import dev.trimtab.autoscaler.events.EventFolder;
import dev.trimtab.autoscaler.events.HistoryRecords;
import dev.trimtab.autoscaler.events.ScaleClaimObjects;
import dev.trimtab.cloudevents.CloudEvent;
import dev.trimtab.input.InputLimits;
import dev.trimtab.input.InputSettings;
import dev.trimtab.kube.LabelSelector;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.common.utils.Utils;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The live path's single owner of the autoscaler state: events are folded and decided here, on
 * the wall clock, one at a time (the Kafka channels and the HTTP endpoint call in concurrently).
 * The same {@link EventFolder} and {@link Autoscaler} serve replay and tests.
 *
 * <p>Every instance folds every object event, but decides only for the workloads it owns: all of
 * them when it runs alone, otherwise those whose key ({@code namespace/name} of the scale target)
 * falls in a partition of the metric topic assigned to it. Ownership moves with those partitions,
 * and the workload's {@link History} with it (see {@link StateStore}).
 */
@ApplicationScoped
public class AutoscalerEngine {

    /**
     * A decision, the policy it was taken for, the metric events it was taken on, and how many
     * writes of its target this engine had seen when it was taken ({@link #writesOf}): a rescale
     * whose target was written since is decided again before it is written ({@link #current}).
     * {@code writes} -1: unknown, always decided again.
     */
    /**
     * @param writes how many writes of the target were begun or done when it was taken (-1: unknown)
     * @param seq    the how-manieth decision of its policy it was (-1: unknown): a later one supersedes it
     */
    public record Evaluation(
            ScalingPolicy policy, ScaleDecision decision, DecisionInputs inputs, long writes, long seq) {
        public Evaluation(ScalingPolicy policy, ScaleDecision decision) {
            this(policy, decision, DecisionInputs.NONE, -1, -1);
        }
    }

    /** A second writer's change of {@code spec.replicas} on a workload {@code policy} scales. */
    public record ForeignWrite(ScalingPolicy policy, ReplicaWriters.ForeignWrite write) {}

    /** Never autoscaled unless {@code trimtab.autoscaler.allowed-system-namespaces} names them. */
    public static final Set<String> SYSTEM_NAMESPACES = Set.of("kube-system", "kube-public", "kube-node-lease");

    private final ClusterState state = new ClusterState();
    private final EventFolder folder;
    private final InputLimits limits;
    private final Autoscaler autoscaler;
    private final long resyncMillis;
    /** Changes of spec.replicas seen before this instant are replayed history, not news. */
    private long liveSinceMillis = System.currentTimeMillis();

    private final List<ForeignWrite> foreignWrites = new ArrayList<>();
    private final Map<ObjectRef, Long> lastEvaluation = new HashMap<>();
    /**
     * The rescales the previous owner of a workload made before this instance took it over (the
     * restored history's scale events, by policy): the updates they cause can arrive after the
     * takeover, and are Trimtab's writes, not another writer's (found by the fault suite: false
     * {@code ReplicasChangedByOther} holds after rebalances). Each is taken once.
     */
    private final Map<ObjectRef, List<Inherited>> inherited = new HashMap<>();

    private record Inherited(boolean up, int change, long atMillis) {}
    /** Per scale target, how many writes of it were begun ({@link #writing}) or done ({@link #applied}). */
    private final Map<ObjectRef, Long> writes = new HashMap<>();
    /** Per policy, how many decisions it was given ({@link #decide}); orders concurrent decisions. */
    private final Map<ObjectRef, Long> decisions = new HashMap<>();

    private Clock clock = Clock.systemUTC();

    /** Partitions of the metric topic; 0 until known. */
    private int partitions;
    /** True: this instance decides for every workload. False: for those in {@link #owned}. */
    private boolean ownsAll = true;

    private final Set<Integer> owned = new HashSet<>();
    /** The membership lease ran out ({@link MembershipLease}): decide nothing for {@link #owned}. */
    private boolean fenced;
    /** The workload of each policy this instance keeps a history for, to find its partition. */
    private final Map<ObjectRef, String> workloads = new HashMap<>();
    /**
     * Per policy, the metric record its decisions were taken through: records read again after a
     * restart or a rebalance (those since the last committed offset) that a decision already covered
     * are folded but not decided again, so a crash between a decision's write and its batch's commit
     * does not write the same decision twice (found by the fault suite: 32 duplicated writes).
     */
    private final Map<ObjectRef, HistoryRecords.Position> decidedThrough = new HashMap<>();
    /**
     * Positions of decisions taken but not yet known to be on the decision log: confirmed by
     * {@link #confirmDecided()} once the batch's decisions are acknowledged. Never handed over or
     * written before that: a new owner skipping records whose decision never reached the log would
     * lose them (found by the fault suite: decisions of a batch in flight when the broker went away).
     */
    private final Map<ObjectRef, HistoryRecords.Position> pendingThrough = new HashMap<>();

    private long alreadyDecided;
    private long alreadyDecidedDrained;
    /** Policies whose history changed since the last {@link #drainChanged()}. */
    private final Set<ObjectRef> changed = new LinkedHashSet<>();
    /** Deciding and applying hold it shared; a handover of partitions holds it exclusively. */
    private final ReentrantReadWriteLock handover = new ReentrantReadWriteLock();

    public AutoscalerEngine(LiveSettings settings) {
        this(settings, InputLimits.defaults());
    }

    /**
     * The live engine: with the metric channel on (instances share its partitions as a group) it
     * decides for no workload until partitions are assigned, from its first event on, so nothing
     * folded at start (an informer's first list) is decided for workloads another instance owns
     * (found by the fault suite). Alone (push mode) it owns every workload.
     */
    @Inject
    public AutoscalerEngine(
            LiveSettings settings,
            InputSettings input,
            @ConfigProperty(name = "mp.messaging.incoming.metrics.enabled", defaultValue = "true")
                    boolean metricsConsumed) {
        this(settings, input.limits(), metricsConsumed);
    }

    /** {@code grouped}: the instances share the metric partitions, and this one owns none yet. */
    AutoscalerEngine(LiveSettings settings, InputLimits limits, boolean grouped) {
        this(settings, limits);
        this.ownsAll = !grouped;
    }

    AutoscalerEngine(LiveSettings settings, InputLimits limits) {
        this.limits = limits;
        this.folder = new EventFolder(state, limits);
        this.autoscaler = new Autoscaler(
                Settings.defaults().withMaxSampleAge(settings.maxSampleAge()),
                new Boundaries(
                        excludedNamespaces(settings),
                        settings.foreignWriteHold().toMillis()));
        this.resyncMillis = settings.resync().toMillis();
    }

    /** The system namespaces and Trimtab's own, less those allowed, plus those configured. */
    static Set<String> excludedNamespaces(LiveSettings settings) {
        Set<String> out = new TreeSet<>(SYSTEM_NAMESPACES);
        out.add(settings.ownNamespace());
        out.removeAll(settings.allowedSystemNamespaces().orElse(Set.of()));
        out.addAll(settings.excludedNamespaces().orElse(Set.of()));
        return out;
    }

    /** The limits events are folded within. */
    public InputLimits limits() {
        return limits;
    }

    private long clampedDrained;

    /** Samples dated ahead of the clock within the allowed skew, taken as measured now, since the last call. */
    public synchronized long drainFutureSamplesClamped() {
        long total = folder.futureSamplesClamped();
        long since = total - clampedDrained;
        clampedDrained = total;
        return since;
    }

    /** Tests pin the clock. */
    void setClock(Clock clock) {
        this.clock = clock;
        this.liveSinceMillis = Math.min(liveSinceMillis, clock.millis());
    }

    /** The partition a workload key falls in: the Kafka producer's default for keyed records. */
    public static int partitionOf(String workload, int partitions) {
        return Utils.toPositive(Utils.murmur2(workload.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /** The key of a policy's workload, as the metric and decision topics use it. */
    public static String workload(ScalingPolicy policy) {
        return policy.workloadKey();
    }

    /**
     * A read of the engine's view of the cluster under its lock, so that it sees one view (the
     * metric receivers ask which workloads read their items: ingest's {@code PolicyRouter}). The
     * read must not keep the state nor block.
     */
    public synchronized <T> T readState(Function<ClusterState, T> read) {
        return read.apply(state);
    }

    /**
     * Runs deciding-and-applying work (a record, a resync tick) so that a handover of partitions
     * waits for it: a workload never changes owner between its decision and its write.
     */
    public <T> T work(Supplier<T> body) {
        handover.readLock().lock();
        try {
            return body.get();
        } finally {
            handover.readLock().unlock();
        }
    }

    /** A decision and the event that made it due (the earliest, when several did). */
    public record Triggered(Evaluation evaluation, CloudEvent trigger) {}

    /** Folds the event; returns the decisions it makes due for owned workloads outside excluded namespaces. */
    public List<Evaluation> accept(CloudEvent event) {
        List<Evaluation> out = new ArrayList<>();
        for (Triggered t : acceptAll(List.of(event), (i, e) -> {
            throw e;
        })) {
            out.add(t.evaluation());
        }
        return out;
    }

    /**
     * Folds the events in order, then decides once for each owned policy they made due, on the
     * state after the last of them: a backlog is caught up with one decision (and at most one
     * write) per workload, not one per event. An event that cannot be folded goes to
     * {@code rejected} with its index; the others are folded.
     */
    public List<Triggered> acceptAll(List<CloudEvent> events, BiConsumer<Integer, RuntimeException> rejected) {
        return acceptAll(events, null, rejected);
    }

    /**
     * As {@link #acceptAll(List, java.util.function.BiConsumer)}, for events read from the metric
     * topic at {@code positions} (one per event, null elements or list when unknown): a metric event
     * at or before the record a policy's decisions were taken through ({@link HistoryRecords.Position})
     * is folded but does not make the policy due again.
     */
    public synchronized List<Triggered> acceptAll(
            List<CloudEvent> events,
            List<HistoryRecords.Position> positions,
            BiConsumer<Integer, RuntimeException> rejected) {
        Map<ObjectRef, CloudEvent> due = new LinkedHashMap<>();
        // every decision of a policy is taken here, at the end of the call that made it due: the
        // metric events folded for it in this call are all those since its previous decision
        Map<ObjectRef, DecisionInputs.Builder> inputs = new HashMap<>();
        Map<ObjectRef, HistoryRecords.Position> through = new HashMap<>();
        for (int i = 0; i < events.size(); i++) {
            CloudEvent event = events.get(i);
            HistoryRecords.Position at = positions == null ? null : positions.get(i);
            try {
                for (ScalingPolicy policy : folder.fold(event, clock.millis())) {
                    if (!decidable(policy)) {
                        continue;
                    }
                    if (metricEvent(event)) {
                        HistoryRecords.Position decided = decidedThrough.get(policy.ref());
                        if (decided != null && decided.covers(at)) {
                            alreadyDecided++;
                            continue;
                        }
                        inputs.computeIfAbsent(policy.ref(), r -> new DecisionInputs.Builder())
                                .add(event.id());
                        if (at != null) {
                            through.merge(policy.ref(), at, (a, b) -> b.offset() > a.offset() ? b : a);
                        }
                    }
                    due.putIfAbsent(policy.ref(), event);
                }
            } catch (RuntimeException e) {
                rejected.accept(i, e);
            }
            for (ScalingPolicy managing : takeForeignWrites()) {
                due.putIfAbsent(managing.ref(), events.get(i));
            }
        }
        List<Triggered> out = new ArrayList<>(due.size());
        for (Map.Entry<ObjectRef, CloudEvent> d : due.entrySet()) {
            ScalingPolicy policy = state.policy(d.getKey());
            if (policy != null && decidable(policy)) {
                DecisionInputs.Builder in = inputs.get(d.getKey());
                out.add(new Triggered(decide(policy, in == null ? DecisionInputs.NONE : in.build()), d.getValue()));
                HistoryRecords.Position last = through.get(d.getKey());
                if (last != null) {
                    pendingThrough.put(d.getKey(), last);
                }
            }
        }
        return out;
    }

    /**
     * The decisions taken on positioned records since the last call are on the decision log (the
     * metric batch's deliveries were acknowledged): their positions become part of the histories
     * written before the batch's commit and handed over. Those of workloads released meanwhile
     * are dropped.
     */
    public synchronized void confirmDecided() {
        for (Map.Entry<ObjectRef, HistoryRecords.Position> p : pendingThrough.entrySet()) {
            if (workloads.containsKey(p.getKey())) {
                decidedThrough.put(p.getKey(), p.getValue());
                changed.add(p.getKey());
            }
        }
        pendingThrough.clear();
    }

    /** Metric events folded but not decided again (already decided before a restart or rebalance), since the last call. */
    public synchronized long drainAlreadyDecided() {
        long since = alreadyDecided - alreadyDecidedDrained;
        alreadyDecidedDrained = alreadyDecided;
        return since;
    }

    private static boolean metricEvent(CloudEvent event) {
        return switch (event.type()) {
            case EventFolder.ADD, EventFolder.UPDATE, EventFolder.DELETE -> false;
            default -> true;
        };
    }

    /** The owned policies not evaluated for a resync period, evaluated now. */
    public synchronized List<Evaluation> resync() {
        long now = clock.millis();
        List<Evaluation> out = new ArrayList<>();
        for (ScalingPolicy policy : state.policies()) {
            Long last = lastEvaluation.get(policy.ref());
            if (decidable(policy) && (last == null || now - last >= resyncMillis)) {
                out.add(decide(policy));
            }
        }
        return out;
    }

    /** Whether the workload ({@code namespace/name}) is this instance's (its partition assigned), fenced or not. */
    public synchronized boolean holds(String workload) {
        return ownsAll || (partitions > 0 && owned.contains(partitionOf(workload, partitions)));
    }

    /** Whether this instance decides for the policy's workload now (owned, not fenced). */
    public synchronized boolean decidesFor(ScalingPolicy policy) {
        return decidable(policy);
    }

    private boolean decidable(ScalingPolicy policy) {
        return owns(workload(policy));
    }

    /**
     * The policy of this instance that scales the target of {@code f}, when {@code f} is news to
     * report: seen live (not replayed history), on a workload this instance decides for, whose
     * policy owns it and may scale it. Null otherwise (an HPA that owns the target writes there
     * by right).
     */
    private ScalingPolicy managing(ReplicaWriters.ForeignWrite f) {
        if (f.atMillis() < liveSinceMillis) {
            return null;
        }
        for (ScalingPolicy p : state.policiesTargeting(f.target())) {
            Reason refused = autoscaler.refusal(state, p, f.atMillis());
            if (decidable(p) && (refused == null || refused == Reason.ReplicasChangedByOther)) {
                return inheritedWrite(p, f) ? null : p;
            }
        }
        return null;
    }

    /** Confirms and queues the foreign writes just seen that are news; returns their policies. */
    private List<ScalingPolicy> takeForeignWrites() {
        List<ScalingPolicy> out = new ArrayList<>();
        for (ReplicaWriters.ForeignWrite f : state.writers().drain()) {
            ScalingPolicy managing = managing(f);
            if (managing != null) {
                state.writers().confirm(f);
                foreignWrites.add(new ForeignWrite(managing, f));
                out.add(managing);
            }
        }
        return out;
    }

    /** The second writers seen since the last call, to report. */
    public synchronized List<ForeignWrite> drainForeignWrites() {
        List<ForeignWrite> out = List.copyOf(foreignWrites);
        foreignWrites.clear();
        return out;
    }

    /** Trimtab is about to write the decision's replicas: its update will not count as a second writer. */
    public synchronized void writing(ScaleDecision decision) {
        state.writers().writing(decision.target(), decision.desiredReplicas(), clock.millis());
        writes.merge(decision.target(), 1L, Long::sum);
    }

    /** How many writes of {@code target} were begun or done by this engine's appliers so far. */
    public synchronized long writesOf(ObjectRef target) {
        return writes.getOrDefault(target, 0L);
    }

    /**
     * The evaluation itself when its target was not written since it was taken and its policy not
     * decided again; else its policy decided again on the current state, which has that write's
     * replicas and scale event, and the later decision's recommendation (so the rate limits and the
     * stabilization count them: an informer event's scale-down decided just before a metric batch
     * recommended more must not be written after it; found by the fault suite). The caller holds the
     * target's write lock ({@link ScaleApplier}), so no write can come between this answer and its
     * own write.
     */
    public synchronized Evaluation current(Evaluation ev) {
        if (ev.writes() >= 0
                && ev.writes() == writesOf(ev.decision().target())
                && (ev.seq() < 0
                        || ev.seq() == decisions.getOrDefault(ev.policy().ref(), 0L))) {
            return ev;
        }
        ScalingPolicy policy = state.policy(ev.policy().ref());
        return decide(policy == null ? ev.policy() : policy, ev.inputs());
    }

    private boolean owns(String workload) {
        return ownsAll || (!fenced && partitions > 0 && owned.contains(partitionOf(workload, partitions)));
    }

    /**
     * The group membership may have expired ({@code true}) or is known again ({@code false}). While
     * fenced, an instance that shares the metric topic decides for nothing and hands no snapshot
     * out (a new owner may already hold its partitions); alone it is never fenced. Fencing waits
     * for the work in flight, so once it returns no decision of this instance is being applied.
     */
    public void fence(boolean fence) {
        if (!fence) {
            synchronized (this) {
                fenced = false;
            }
            return;
        }
        handover.writeLock().lock();
        try {
            synchronized (this) {
                fenced = true;
            }
        } finally {
            handover.writeLock().unlock();
        }
    }

    /** Whether this instance, sharing the metric topic, is fenced (docs/decisions/0020, "Membership lease"). */
    public synchronized boolean fenced() {
        return fenced && !ownsAll;
    }

    private Evaluation decide(ScalingPolicy policy) {
        return decide(policy, DecisionInputs.NONE);
    }

    private Evaluation decide(ScalingPolicy policy, DecisionInputs inputs) {
        long now = clock.millis();
        lastEvaluation.put(policy.ref(), now);
        touched(policy);
        ScaleDecision d = autoscaler.decide(state, policy, now);
        return new Evaluation(policy, d, inputs, writesOf(d.target()), decisions.merge(policy.ref(), 1L, Long::sum));
    }

    private void touched(ScalingPolicy policy) {
        workloads.put(policy.ref(), workload(policy));
        changed.add(policy.ref());
    }

    // ---- ownership and handover ----------------------------------------------------------------

    /** Several instances share the metric topic: decide nothing until partitions are assigned. */
    public synchronized void awaitAssignment() {
        ownsAll = false;
    }

    /** This instance decides for every workload; {@code partitions} places their snapshots. */
    public synchronized void ownAll(int partitions, Collection<HistoryRecords.Entry> restored) {
        ownsAll = true;
        this.partitions = partitions;
        restore(restored);
    }

    /** Partitions assigned: restore their workloads' histories, then decide for them. */
    public synchronized void assign(
            int partitions, Collection<Integer> assigned, Collection<HistoryRecords.Entry> restored) {
        this.partitions = partitions;
        restore(restored);
        owned.addAll(assigned);
    }

    private void restore(Collection<HistoryRecords.Entry> restored) {
        long now = clock.millis();
        for (HistoryRecords.Entry e : restored) {
            state.putHistory(e.policy(), History.restore(e.snapshot()));
            workloads.put(e.policy(), e.workload());
            if (e.decidedThrough() == null) {
                decidedThrough.remove(e.policy());
            } else {
                decidedThrough.put(e.policy(), e.decidedThrough());
            }
            List<Inherited> writes = new ArrayList<>();
            inherit(writes, true, e.snapshot().scaleUpEvents(), now);
            inherit(writes, false, e.snapshot().scaleDownEvents(), now);
            if (writes.isEmpty()) {
                inherited.remove(e.policy());
            } else {
                inherited.put(e.policy(), writes);
            }
        }
    }

    private static void inherit(List<Inherited> into, boolean up, List<History.ScaleEvent> events, long now) {
        for (History.ScaleEvent s : events) {
            if (!s.outdated() && s.replicaChange() > 0 && now - s.timestampMillis() <= ReplicaWriters.MEMORY_MILLIS) {
                into.add(new Inherited(up, s.replicaChange(), s.timestampMillis()));
            }
        }
    }

    /** Whether {@code f} is the update of a rescale the previous owner of {@code policy}'s workload made. */
    private boolean inheritedWrite(ScalingPolicy policy, ReplicaWriters.ForeignWrite f) {
        List<Inherited> writes = inherited.get(policy.ref());
        if (writes == null) {
            return false;
        }
        writes.removeIf(w -> f.atMillis() - w.atMillis() > ReplicaWriters.MEMORY_MILLIS);
        boolean up = f.toReplicas() > f.fromReplicas();
        int change = Math.abs(f.toReplicas() - f.fromReplicas());
        for (var it = writes.iterator(); it.hasNext(); ) {
            Inherited w = it.next();
            if (w.up() == up && w.change() == change) {
                it.remove();
                return true;
            }
        }
        return false;
    }

    /**
     * Partitions revoked or lost: waits for work in flight, stops deciding for their workloads and
     * returns (and forgets) their histories, for the next owner.
     */
    public List<HistoryRecords.Entry> release(Collection<Integer> partitionsReleased) {
        handover.writeLock().lock();
        try {
            synchronized (this) {
                owned.removeAll(partitionsReleased);
                List<HistoryRecords.Entry> out = new ArrayList<>();
                for (var it = workloads.entrySet().iterator(); it.hasNext(); ) {
                    var w = it.next();
                    if (partitions > 0 && partitionsReleased.contains(partitionOf(w.getValue(), partitions))) {
                        ScalingPolicy released = state.policy(w.getKey());
                        if (released != null) {
                            // a foreign write it confirmed may be the next owner's own write (seen while this
                            // instance had already been dropped from the group): no hold survives the handover
                            state.writers().forgetForeign(released.targetRef());
                        }
                        History h = state.removeHistory(w.getKey());
                        if (h != null) {
                            out.add(new HistoryRecords.Entry(
                                    w.getKey(), w.getValue(), h.snapshot(), decidedThrough.get(w.getKey())));
                        }
                        changed.remove(w.getKey());
                        lastEvaluation.remove(w.getKey());
                        inherited.remove(w.getKey());
                        decidedThrough.remove(w.getKey());
                        pendingThrough.remove(w.getKey());
                        it.remove();
                    }
                }
                return out;
            }
        } finally {
            handover.writeLock().unlock();
        }
    }

    /** The histories changed since the last call, of workloads this instance still owns. */
    public synchronized List<HistoryRecords.Entry> drainChanged() {
        if (fenced && !ownsAll) {
            // kept for when the lease is back; a release drops those of partitions that went
            return List.of();
        }
        List<HistoryRecords.Entry> out = new ArrayList<>(changed.size());
        for (ObjectRef ref : changed) {
            String workload = workloads.get(ref);
            History h = state.existingHistory(ref);
            if (workload != null && h != null && owns(workload)) {
                out.add(new HistoryRecords.Entry(ref, workload, h.snapshot(), decidedThrough.get(ref)));
            }
        }
        changed.clear();
        return out;
    }

    /** The partition of the metric (and state) topic a workload's records go to; -1 when unknown. */
    public synchronized int partitionOfWorkload(String workload) {
        return partitions > 0 ? partitionOf(workload, partitions) : -1;
    }

    /** The metric partitions this instance was assigned (none when it runs alone and owns all). */
    public synchronized Set<Integer> ownedPartitionNumbers() {
        return Set.copyOf(owned);
    }

    /** How many metric partitions this instance owns (all of them when it runs alone). */
    public synchronized int ownedPartitions() {
        return ownsAll ? partitions : owned.size();
    }

    /** After a conflict: takes the target as just read from the API and decides again. */
    public synchronized Evaluation redecide(ScalingPolicy policy, ScaleTarget fresh) {
        // what changed under the write may be a second writer: seen here, its update event shows no change later
        state.observeTarget(fresh, clock.millis());
        takeForeignWrites();
        ScalingPolicy current = state.policy(policy.ref());
        return decide(current == null ? policy : current);
    }

    /**
     * Claims just read from the API (HPAs, ScaledObjects) folded in, and the policy decided again
     * on them; null when they taught nothing new (no claim added or changed).
     */
    public synchronized Evaluation withClaims(ScalingPolicy policy, List<JsonNode> objects) {
        boolean changed = false;
        for (JsonNode o : objects) {
            try {
                ScaleClaim claim = ScaleClaimObjects.claim(o);
                if (!claim.equals(state.claims().remove(claim.source()))) {
                    changed = true;
                }
                state.claims().put(claim);
            } catch (RuntimeException e) {
                // a malformed HPA claims nothing: the same as when it comes as an event
            }
        }
        if (!changed) {
            return null;
        }
        ScalingPolicy current = state.policy(policy.ref());
        return decide(current == null ? policy : current);
    }

    /** A write succeeded: the target now has the desired replicas at {@code resourceVersion}. */
    public synchronized void applied(ScalingPolicy policy, ScaleDecision decision, String resourceVersion) {
        ScaleTarget t = state.target(decision.target());
        if (t != null) {
            ScaleTarget scaled = t.withReplicas(decision.desiredReplicas());
            state.putTarget(new ScaleTarget(
                    scaled.ref(), scaled.specReplicas(), t.statusReplicas(), scaled.selector(), resourceVersion));
        }
        autoscaler.applied(state, policy, decision);
        writes.merge(decision.target(), 1L, Long::sum);
        touched(policy);
    }

    /** A workload this instance decides for whose policy reads a resource metric: where its pods are. */
    public record ResourceReader(String workload, String namespace, LabelSelector pods) {}

    /**
     * The workloads this instance decides for (owned, not fenced) whose policies have a Resource or
     * ContainerResource metric, with their targets' pod selectors: what a metrics-server source
     * reads for. A target not seen yet is left out.
     */
    public synchronized List<ResourceReader> resourceReaders() {
        List<ResourceReader> out = new ArrayList<>();
        for (ScalingPolicy p : state.policies()) {
            boolean reads = p.spec().metrics().stream()
                    .anyMatch(
                            m -> m.type() == MetricSpec.Type.Resource || m.type() == MetricSpec.Type.ContainerResource);
            ScaleTarget t = reads && decidable(p) ? state.target(p.targetRef()) : null;
            if (t != null) {
                out.add(new ResourceReader(workload(p), p.ref().namespace(), t.selector()));
            }
        }
        return out;
    }

    /**
     * A PromQL query ({@code type: Prometheus}) of a policy whose workload this instance decides
     * for: {@code index} is the metric's place in {@code spec.metrics}, {@code metricName} the
     * External metric its answers feed.
     */
    public record PromReader(String workload, ObjectRef policy, int index, String metricName, PromQuery query) {}

    /**
     * The PromQL queries of the policies this instance decides for (owned, not fenced), in
     * policy order: what a PromQL puller runs. The other instances run the rest.
     */
    public synchronized List<PromReader> promReaders() {
        List<PromReader> out = new ArrayList<>();
        for (ScalingPolicy p : state.policies()) {
            List<MetricSpec> metrics = p.spec().metrics();
            for (int i = 0; i < metrics.size(); i++) {
                MetricSpec m = metrics.get(i);
                if (m.pull() != null && decidable(p)) {
                    out.add(new PromReader(workload(p), p.ref(), i, m.metricName(), m.pull()));
                }
            }
        }
        return out;
    }

    /**
     * A Kafka-lag metric ({@code type: Kafka}) of a policy whose workload this instance decides for:
     * what a lag source polls. {@code index} is the metric's place in {@code spec.metrics}, the
     * subject of its offsets events is {@code policy.namespace() + "/" + policy.name()} and their
     * key the {@code workload}. {@code bootstrapServers} is comma-separated {@code host:port}
     * (sorted, trimmed, hosts lower-cased); {@code topic} null means every topic the group commits to.
     */
    public record KafkaReader(
            String workload,
            ObjectRef policy,
            int index,
            String metricName,
            String bootstrapServers,
            String consumerGroup,
            String topic,
            KafkaLag lag) {}

    /**
     * The Kafka-lag metrics of the policies this instance decides for (owned, not fenced), in
     * policy order: what a Kafka lag source polls, sending one {@code dev.trimtab.kafka.offsets}
     * event per reader and poll ({@link dev.trimtab.autoscaler.events.KafkaOffsetEvents#toEvent}).
     */
    public synchronized List<KafkaReader> kafkaReaders() {
        List<KafkaReader> out = new ArrayList<>();
        for (ScalingPolicy p : state.policies()) {
            List<MetricSpec> metrics = p.spec().metrics();
            for (int i = 0; i < metrics.size(); i++) {
                KafkaLag k = metrics.get(i).kafka();
                if (k != null && decidable(p)) {
                    out.add(new KafkaReader(
                            workload(p),
                            p.ref(),
                            i,
                            metrics.get(i).metricName(),
                            k.bootstrapServersText(),
                            k.consumerGroup(),
                            k.topic(),
                            k));
                }
            }
        }
        return out;
    }

    /** Whether the policy has been received. */
    public synchronized boolean knows(ObjectRef policy) {
        return state.policy(policy) != null;
    }

    /** The target as the engine knows it (for tests and status). */
    public synchronized ScaleTarget target(ObjectRef ref) {
        return state.target(ref);
    }
}
