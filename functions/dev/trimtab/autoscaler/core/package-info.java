/**
 * The autoscaler's decision core: pure Java, no framework, no I/O, no wall clock. Every entry
 * point takes the time as an argument, so the live path, replay and tests run the same code.
 *
 * <h2>One evaluation ({@link dev.trimtab.autoscaler.core.Autoscaler#decide})</h2>
 * <ol>
 *   <li>{@link dev.trimtab.autoscaler.core.Boundaries}: a policy in an excluded namespace, on a
 *       target another controller owns ({@link dev.trimtab.autoscaler.core.ScaleClaims}: an HPA or
 *       ScaledObject first, then the oldest ScalingPolicy), or held after a second writer changed
 *       {@code spec.replicas} ({@link dev.trimtab.autoscaler.core.ReplicaWriters}) is refused:
 *       {@code NamespaceExcluded}, {@code TargetAlreadyScaled}, {@code ReplicasChangedByOther},
 *       desired = current, history untouched (docs/decisions/0019).</li>
 *   <li>The first evaluation of a policy records the target's current replicas as a
 *       recommendation at that time, as the HPA does for a new HPA: a fresh policy cannot scale
 *       down before its stabilization window has passed.</li>
 *   <li>Paused (annotation): hold, or hold at the paused replica count. No state changes.</li>
 *   <li>Each metric is computed by {@link dev.trimtab.autoscaler.core.ReplicaCalculator} (the
 *       HPA's replica calculator, bit for bit: milli-units, integer truncation of utilization and
 *       averages, ceil of replica counts, missing pods at max(100%, target) of their request on a
 *       scale-down and 0 on a scale-up, unready pods at 0 on a scale-up, the CPU readiness rules,
 *       inclusive per-direction tolerance, no change when the adjusted ratio reverses direction).
 *       A sample older than {@link dev.trimtab.autoscaler.core.Settings#maxSampleAge()}, or dated
 *       after now, counts as missing (the decoder already took samples from the near future as
 *       measured at its clock and rejected the rest; docs/decisions/0018). A metric that failed
 *       more than {@code fallback.failureThreshold} times in a row proposes the fallback replicas
 *       (KEDA); when it engages, the replicas held through the outage are recorded as a
 *       recommendation, so the proposal waits the scale-down window and follows the rate
 *       policies like any other.</li>
 *   <li>{@code minReplicas: 0}: {@link dev.trimtab.autoscaler.core.Activation} applies KEDA's
 *       RequestScale table: wake from zero when an Object/External metric is strictly above its
 *       activation threshold, go to zero after the cooldown, never on an error. A Kafka-lag metric
 *       ({@link dev.trimtab.autoscaler.core.KafkaLag}) is valued at its latest poll's capped lag
 *       and activates on its lag with persistent lag ({@link dev.trimtab.autoscaler.core.KafkaLagCalculator},
 *       KEDA's Kafka scaler; docs/decisions/0033).</li>
 *   <li>The HPA's reconcile: replicas 0 with minReplicas above 0 disables scaling; above max or
 *       below min is corrected at once; otherwise the highest proposal wins, and a failed metric
 *       blocks a scale-down (not a scale-up).</li>
 *   <li>{@link dev.trimtab.autoscaler.core.ReplicaNormalizer}: with {@code behavior}, the
 *       stabilization windows (current clamped between the lowest recommendation of the up window
 *       and the highest of the down window; windows exclude their cutoff instant), then the rate
 *       policies over the scale events of each policy's period (Percent up rounds up, down
 *       truncates), then min/max. Without {@code behavior}, the legacy rules: the highest
 *       recommendation of the 5-minute window (cutoff included), min/max, and a scale-up limit of
 *       max(2 x current, 4). With {@code panic}, {@link dev.trimtab.autoscaler.core.PanicController}
 *       decides instead (Knative KPA).</li>
 * </ol>
 *
 * <h2>State</h2>
 * {@link dev.trimtab.autoscaler.core.ClusterState} holds what events told us; each policy's
 * {@link dev.trimtab.autoscaler.core.History} holds what the algorithm remembers. A decision is a
 * value ({@link dev.trimtab.autoscaler.core.ScaleDecision}); applying it is the caller's job,
 * which then calls {@link dev.trimtab.autoscaler.core.Autoscaler#applied} so the rate policies
 * count it.
 *
 * <h2>Sources of truth</h2>
 * Kubernetes {@code pkg/controller/podautoscaler}, KEDA {@code pkg/scaling/executor} and
 * {@code pkg/fallback}, Knative {@code pkg/autoscaler/scaling}: their test vectors live under
 * {@code src/test/resources/upstream} with READMEs naming the commits read.
 */
package dev.trimtab.autoscaler.core;
