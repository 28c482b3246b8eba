package dev.trimtab.autoscaler.live;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/** The live autoscaler's configuration ({@code trimtab.autoscaler.*}). */
@ConfigMapping(prefix = "trimtab.autoscaler")
public interface LiveSettings {
    /** Where pods, scale targets and ScalingPolicies come from (docs/decisions/0021). */
    enum ClusterStateSource {
        /**
         * ApiServerSource events on the cluster-event topic (the cluster-events channel, or POST / in
         * push mode). Read from the start at every start: objects unchanged for longer than the
         * topic's retention are missing, which {@code RetentionCheck} reports.
         */
        events,
        /**
         * fabric8 informers on the Kubernetes API (list, then watch): every object at every start,
         * whatever Kafka keeps. The cluster-events channel is off then.
         */
        informers,
        /** No cluster view: this process is not the autoscaler (the policy and placement functions). */
        none
    }

    @WithDefault("informers")
    ClusterStateSource clusterState();

    /** Decide and log, but never write to the Kubernetes API. */
    @WithDefault("false")
    boolean dryRun();

    /**
     * Namespaces whose workloads are never touched, even with a ScalingPolicy, besides the system
     * namespaces ({@code kube-system}, {@code kube-public}, {@code kube-node-lease}) and
     * {@link #ownNamespace()}, which are always excluded unless {@link #allowedSystemNamespaces()}
     * names them.
     */
    Optional<Set<String>> excludedNamespaces();

    /** System namespaces (or Trimtab's own) that ScalingPolicies may scale after all: an explicit opt-in. */
    Optional<Set<String>> allowedSystemNamespaces();

    /** Trimtab's own namespace, never scaled unless allowed ({@code POD_NAMESPACE} in the pod). */
    @WithDefault("trimtab")
    String ownNamespace();

    /**
     * After another writer changed the {@code spec.replicas} of a workload a ScalingPolicy scales,
     * the policy holds this long before it decides (and writes) again; 0 = keep deciding.
     */
    @WithDefault("5m")
    Duration foreignWriteHold();

    /** Also produce holds (decisions that change nothing) to the decisions topic. */
    @WithDefault("false")
    boolean logHolds();

    /** Set {@code controller.kubernetes.io/pod-deletion-cost} on a workload's pods before a scale-down. */
    @WithDefault("false")
    boolean deletionCost();

    /** Samples older than this at evaluation time count as missing. */
    @WithDefault("2m")
    Duration maxSampleAge();

    /**
     * A policy not evaluated for this long is evaluated anyway (the HPA's loop, as a heartbeat): so
     * stale metrics are noticed, fallbacks fire and cooldowns end even when no event arrives.
     */
    @WithDefault("15s")
    Duration resync();

    /** How often a conflicting /scale write is re-read, recomputed and retried before giving up. */
    @WithDefault("3")
    int conflictRetries();

    /**
     * How many decisions of one batch are carried out at once (guardrail, /scale write and its
     * retries, decision log), each on a different target: the HPA controller's
     * {@code --concurrent-horizontal-pod-autoscaler-syncs}. One makes a batch's writes sequential, so a
     * backlog of N rescales (after a restart, a broker outage) takes N round trips to the API server.
     */
    @WithDefault("8")
    int writeConcurrency();

    /**
     * How long a metric batch (or a pushed event) waits for the broker to acknowledge what it
     * caused (its decisions on the log, its dead letters), sending failed records again with
     * backoff, before it fails uncommitted: the metric channel then stops, liveness goes DOWN and
     * the restarted pod reads the batch again (docs/decisions/0020). Keep it below
     * {@code mp.messaging.incoming.metrics.throttled.unprocessed-record-max-age.ms}.
     */
    @WithDefault("2m")
    Duration deliveryTimeout();

    /** The compacted state topic that lets a workload's history follow its partition. */
    State state();

    interface State {
        /** Snapshot histories to the state topic and restore them on partition assignment. */
        @WithDefault("true")
        boolean enabled();

        @WithDefault("trimtab.autoscaler.state")
        String topic();

        /**
         * How often changed histories are written that no metric batch wrote (each batch writes its
         * own before it is committed). A handover (rebalance, shutdown) writes them at once; a
         * crash loses only the resync's and informer events' changes of this last interval.
         */
        @WithDefault("1s")
        Duration flushInterval();

        /** How long a new owner reads the state topic before it goes on without what it has not read. */
        @WithDefault("30s")
        Duration restoreTimeout();

        /**
         * How long a handover (partitions revoked, shutdown) keeps sending the histories that the
         * broker has not acknowledged before it gives them up: logged at ERROR with their policies
         * and counted as {@code trimtab_autoscaler_state_writes_total{result="lost"}}.
         */
        @WithDefault("30s")
        Duration handoverTimeout();
    }
}
