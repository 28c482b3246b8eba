package dev.trimtab.autoscaler.live;

import dev.trimtab.autoscaler.core.ObjectRef;
import java.time.Instant;

/**
 * Fired (as a CDI event) when a decision is carried out: {@code written} when the API server
 * acknowledged the {@code /scale} write, otherwise the decision was only taken (a hold, or
 * dry-run). Times run from the triggering event's {@code time}. Benchmarks and audits observe it.
 */
public record ScaleWritten(ObjectRef target, Instant eventTime, Instant acknowledged, int replicas, boolean written) {}
