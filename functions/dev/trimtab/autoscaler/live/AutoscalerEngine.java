package dev.trimtab.autoscaler.live;

import dev.trimtab.autoscaler.core.Autoscaler;
import dev.trimtab.autoscaler.core.ClusterState;
import dev.trimtab.autoscaler.core.ScaleDecision;
import dev.trimtab.autoscaler.core.ScaleTarget;
import dev.trimtab.autoscaler.core.ScalingPolicy;
import dev.trimtab.autoscaler.core.Settings;
import dev.trimtab.autoscaler.events.EventFolder;
import dev.trimtab.cloudevents.CloudEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The live path's single owner of the autoscaler state: events are folded and decided here, on
 * the wall clock, one at a time (the Kafka channels and the HTTP endpoint call in concurrently).
 * The same {@link EventFolder} and {@link Autoscaler} serve replay and tests.
 */
@ApplicationScoped
public class AutoscalerEngine {

    /** A decision and the policy it was taken for. */
    public record Evaluation(ScalingPolicy policy, ScaleDecision decision) {}

    private final ClusterState state = new ClusterState();
    private final EventFolder folder = new EventFolder(state);
    private final Autoscaler autoscaler;
    private final Set<String> excluded;
    private final long resyncMillis;
    private final java.util.Map<dev.trimtab.autoscaler.core.ObjectRef, Long> lastEvaluation = new java.util.HashMap<>();
    private Clock clock = Clock.systemUTC();

    @Inject
    public AutoscalerEngine(LiveSettings settings) {
        this.autoscaler = new Autoscaler(Settings.defaults().withMaxSampleAge(settings.maxSampleAge()));
        this.excluded = settings.excludedNamespaces().orElse(Set.of());
        this.resyncMillis = settings.resync().toMillis();
    }

    /** Tests pin the clock. */
    void setClock(Clock clock) {
        this.clock = clock;
    }

    /** Folds the event; returns the decisions it makes due (excluded namespaces are never evaluated). */
    public synchronized List<Evaluation> accept(CloudEvent event) {
        List<Evaluation> out = new ArrayList<>();
        for (ScalingPolicy policy : folder.fold(event)) {
            if (!excluded.contains(policy.ref().namespace())) {
                out.add(decide(policy));
            }
        }
        return out;
    }

    /** The policies not evaluated for a resync period, evaluated now. */
    public synchronized List<Evaluation> resync() {
        long now = clock.millis();
        List<Evaluation> out = new ArrayList<>();
        for (ScalingPolicy policy : state.policies()) {
            Long last = lastEvaluation.get(policy.ref());
            if (!excluded.contains(policy.ref().namespace()) && (last == null || now - last >= resyncMillis)) {
                out.add(decide(policy));
            }
        }
        return out;
    }

    private Evaluation decide(ScalingPolicy policy) {
        long now = clock.millis();
        lastEvaluation.put(policy.ref(), now);
        return new Evaluation(policy, autoscaler.decide(state, policy, now));
    }

    /** After a conflict: takes the target as just read from the API and decides again. */
    public synchronized Evaluation redecide(ScalingPolicy policy, ScaleTarget fresh) {
        state.putTarget(fresh);
        ScalingPolicy current = state.policy(policy.ref());
        return decide(current == null ? policy : current);
    }

    /** A write succeeded: the target now has the desired replicas at {@code resourceVersion}. */
    public synchronized void applied(ScalingPolicy policy, ScaleDecision decision, String resourceVersion) {
        ScaleTarget t = state.target(decision.target());
        if (t != null) {
            ScaleTarget scaled = t.withReplicas(decision.desiredReplicas());
            state.putTarget(new ScaleTarget(scaled.ref(), scaled.specReplicas(), t.statusReplicas(), scaled.selector(),
                    resourceVersion));
        }
        autoscaler.applied(state, policy, decision);
    }

    /** Whether the policy has been received. */
    public synchronized boolean knows(dev.trimtab.autoscaler.core.ObjectRef policy) {
        return state.policy(policy) != null;
    }

    /** The target as the engine knows it (for tests and status). */
    public synchronized ScaleTarget target(dev.trimtab.autoscaler.core.ObjectRef ref) {
        return state.target(ref);
    }
}
