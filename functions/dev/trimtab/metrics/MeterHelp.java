package dev.trimtab.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The HELP text of every meter Trimtab registers, in one place: a {@link MeterFilter} gives a meter
 * registered without {@code .description(...)} (most are counted with the short
 * {@code registry.counter(name, tags...)}) the description listed here. A description given at the
 * registration wins. {@code MeterHelpTest} fails for a {@code "trimtab_..."} name in the sources
 * missing here, and {@code ObservabilityTest} for a scraped {@code trimtab_*} family without HELP.
 * Names are Micrometer's (counters end in {@code _total}, as registered).
 */
@Singleton
public class MeterHelp {
    /** Micrometer meter name to its description. */
    public static final Map<String, String> HELP = new TreeMap<>(Map.ofEntries(
            Map.entry("trimtab_auth_decisions_total", "HTTP requests by surface and access decision"),
            Map.entry(
                    "trimtab_autoscaler_already_decided_events_total",
                    "metric records read again (after a restart "
                            + "or a rebalance) whose workload's decision had already been taken on them: folded, not decided again"),
            Map.entry(
                    "trimtab_autoscaler_apply_errors_total",
                    "decisions that could not be carried out or recorded "
                            + "(reading the API, the guardrail, a deletion cost, the status); tried again at the next evaluation"),
            Map.entry(
                    "trimtab_autoscaler_decision_log_sends_total",
                    "sends of decisions to the decisions topic, by result"),
            Map.entry("trimtab_autoscaler_decisions_total", "autoscaling decisions taken, by reason code (HPA-style)"),
            Map.entry(
                    "trimtab_autoscaler_deletion_costs_total",
                    "pod-deletion-cost annotations written before a " + "scale-down, by result"),
            Map.entry("trimtab_autoscaler_event_to_decision_seconds", "from a triggering event's time to its decision"),
            Map.entry(
                    "trimtab_autoscaler_event_to_write_seconds",
                    "from a triggering event's time to the acknowledged " + "/scale write"),
            Map.entry(
                    "trimtab_autoscaler_events_total",
                    "CloudEvents received, by channel and result (accepted or " + "rejected)"),
            Map.entry(
                    "trimtab_autoscaler_foreign_writes_total",
                    "spec.replicas changes by another writer on workloads " + "a ScalingPolicy scales, by kind"),
            Map.entry(
                    "trimtab_autoscaler_future_samples_clamped_total",
                    "samples dated ahead of the clock within " + "max-clock-skew, taken as measured now"),
            Map.entry("trimtab_autoscaler_guardrail_denials_total", "rescales the policy engine's guardrail denied"),
            Map.entry(
                    "trimtab_autoscaler_guardrail_held_total",
                    "rescales held because the cluster's policies were " + "not yet in force"),
            Map.entry(
                    "trimtab_autoscaler_membership_fenced",
                    "1 while this instance is fenced (its consumer group "
                            + "membership may have expired) and decides nothing"),
            Map.entry(
                    "trimtab_autoscaler_owned_partitions",
                    "partitions of the metric topic whose workloads this " + "instance decides for"),
            Map.entry(
                    "trimtab_autoscaler_policy_current_replicas",
                    "replicas of the ScalingPolicy's target when it "
                            + "was last decided for (after the write), as kube_horizontalpodautoscaler_status_current_replicas"),
            Map.entry(
                    "trimtab_autoscaler_policy_desired_replicas",
                    "replicas the ScalingPolicy last asked for, as "
                            + "kube_horizontalpodautoscaler_status_desired_replicas"),
            Map.entry(
                    "trimtab_autoscaler_policy_metric_value",
                    "each metric's observed value at the last decision "
                            + "(percent for Utilization targets, base units otherwise; NaN when it could not be computed)"),
            Map.entry(
                    "trimtab_autoscaler_policy_metric_target",
                    "each metric's target (percent for Utilization "
                            + "targets, base units otherwise), as kube_horizontalpodautoscaler_spec_target_metric"),
            Map.entry(
                    "trimtab_autoscaler_policy_events_total",
                    "Kubernetes Events about ScalingPolicies, by reason "
                            + "and what was done (created, aggregated into an existing Event, or failed)"),
            Map.entry(
                    "trimtab_autoscaler_rejections_total",
                    "CloudEvents rejected (dead-lettered on Kafka, 400 over " + "HTTP), by channel and reason code"),
            Map.entry(
                    "trimtab_autoscaler_state_rejected_total",
                    "history snapshots on the state topic rejected as " + "unreadable or superseded"),
            Map.entry(
                    "trimtab_autoscaler_state_writes_total",
                    "history snapshot writes to the state topic, by result " + "(ok, error, lost at a handover)"),
            Map.entry(
                    "trimtab_autoscaler_status_writes_dropped_total",
                    "Events and status writes dropped because " + "the writer's queue was full"),
            Map.entry(
                    "trimtab_autoscaler_writes_total",
                    "/scale writes, by HTTP status code (200 written, 409 "
                            + "conflict, 429/5xx retried, others failed)"),
            Map.entry(
                    "trimtab_cluster_events_expiring",
                    "1: records of the topic this channel rebuilds its view from "
                            + "can expire; 0: every record kept; -1: not known"),
            Map.entry(
                    "trimtab_ingest_queries_total",
                    "queries a metric source ran (prometheus-query: the PromQL "
                            + "queries of Prometheus metrics), by result: ok, null_as_zero, negative_as_zero, or why nothing was "
                            + "sent (refused_server, timeout, unreachable, http_error, too_large, bad_answer, empty_result, "
                            + "multiple_elements, not_finite, not_delivered); kafka-lag: offsets events by result (ok, superseded, "
                            + "not_delivered, refused_server, bad_bootstrap, over_limit, unknown_topic, no_end_offset, not_seeded, "
                            + "unreachable) and __consumer_offsets records that could not be read (bad_record)"),
            Map.entry(
                    "trimtab_ingest_requests_total",
                    "requests to a metric receiver (prometheus-remote-write, otlp) or made by a metric source (metrics-server: "
                            + "the API's answers), by "
                            + "receiver and HTTP status of the answer"),
            Map.entry(
                    "trimtab_ingest_samples_total",
                    "series of a receiver's requests, by result: forwarded to the "
                            + "workloads that read them, unused (no policy reads them), skipped (reason: NaN, out of range, "
                            + "negative, no float samples, too many labels, no recorded value, no observations, no interval), rejected "
                            + "(in a refused request)"),
            Map.entry("trimtab_leader", "1 while this replica holds the lease"),
            Map.entry("trimtab_leader_transitions_total", "times this replica gained or lost the lease"),
            Map.entry(
                    "trimtab_network_intent_changes_total",
                    "NetworkPolicy changes planned for network intents, by " + "action and outcome"),
            Map.entry("trimtab_network_intent_check", "one check of every network intent against the cluster"),
            Map.entry("trimtab_network_intent_violations", "network intent violations open now"),
            Map.entry("trimtab_placement_decisions_total", "placement decisions, by reason"),
            Map.entry("trimtab_placement_guardrail_denials_total", "bindings the policy engine's guardrail denied"),
            Map.entry(
                    "trimtab_placement_guardrail_held_total",
                    "bindings held because the cluster's policies were not " + "yet in force, by action"),
            Map.entry("trimtab_placement_rebalance_total", "rebalancing recommendations, by strategy"),
            Map.entry(
                    "trimtab_policy_admission_seconds",
                    "an AdmissionReview from its bytes to its answer's bytes, in " + "the server"),
            Map.entry("trimtab_policy_audit_failures_total", "objects the continuous audit could not evaluate"),
            Map.entry(
                    "trimtab_policy_audit_held_total",
                    "audit results held because the cluster's policies were not " + "yet in force"),
            Map.entry("trimtab_policy_mutations_total", "mutating admission reviews, by whether allowed"),
            Map.entry(
                    "trimtab_policy_rejected_total",
                    "admission policies or bindings rejected as invalid, by source " + "(directory or cluster)"),
            Map.entry("trimtab_policy_remediations_total", "remediation patches of live objects, by outcome"),
            Map.entry("trimtab_policy_report_writes_total", "report writes and deletes, by report and result"),
            Map.entry(
                    "trimtab_policy_report_results_omitted_total",
                    "results left out of reports over the per-report cap"
                            + " (trimtab.policy.reports.max-results), by report"),
            Map.entry(
                    "trimtab_kafka_credentials_changed",
                    "1 once a mounted Kafka credential file differs from what the"
                            + " clients loaded at start (a restart picks it up)"),
            Map.entry(
                    "trimtab_kafka_client_certificate_expiry_seconds",
                    "seconds until the Kafka client certificate" + " the clients loaded expires"),
            Map.entry(
                    "trimtab_policy_results_total",
                    "policy evaluation results of the continuous audit, by policy " + "and result"),
            Map.entry("trimtab_policy_reviews_total", "validating admission reviews, by whether allowed"),
            Map.entry("trimtab_rbac_intent_denials_total", "RBAC changes denied at admission by enforce-mode intents"),
            Map.entry("trimtab_rbac_intent_fixes_total", "RBAC fixes for intents, by outcome"),
            Map.entry("trimtab_rbac_intent_violations", "RBAC intent violations open now")));

    /**
     * Removes Trimtab's meters at shutdown. Quarkus's registry is the JVM-wide global composite:
     * an application started again in the same JVM (one test class after another) would otherwise
     * get the previous instance's gauges back on registering the same name and tags, bound to
     * objects of the stopped instance (NaN, or missing from the scrape once those are collected).
     */
    void stop(@Observes ShutdownEvent ignored, MeterRegistry registry) {
        for (Meter m : List.copyOf(registry.getMeters())) {
            if (m.getId().getName().startsWith("trimtab_")) {
                registry.remove(m);
            }
        }
    }

    /** The filter Quarkus applies to every registry (a {@link MeterFilter} bean). */
    @Produces
    @Singleton
    public MeterFilter describe() {
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                String help = HELP.get(id.getName());
                if (help == null
                        || (id.getDescription() != null && !id.getDescription().isBlank())) {
                    return id;
                }
                return new Meter.Id(
                        id.getName(), Tags.of(id.getTagsAsIterable()), id.getBaseUnit(), help, id.getType());
            }
        };
    }
}
