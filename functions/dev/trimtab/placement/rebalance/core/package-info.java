/**
 * Descheduler-style rebalancing recommendations and scale-down victim choice, pure.
 *
 * <h2>Flow</h2>
 * The adapter keeps a {@link dev.trimtab.placement.rebalance.core.ClusterState} current from Node,
 * Pod, PodDisruptionBudget (and Namespace) watch events (object maps) and, on an event, calls
 * {@link dev.trimtab.placement.rebalance.core.Rebalancer#recommend}. The result is a list of
 * {@link dev.trimtab.placement.rebalance.core.Recommendation}s: strategy (upstream plugin name),
 * pod, node, a reason naming the threshold / taint / constraint, and, when blocked, the
 * {@code Blocker} (TotalLimit, NodeLimit, NamespaceLimit, DisruptionBudget) with a message.
 * Nothing is evicted here. {@link dev.trimtab.placement.rebalance.core.DeletionCostPlanner#plan}
 * gives pod-deletion-cost values and merge patches for one workload's pods.
 *
 * <h2>Semantics (kubernetes-sigs/descheduler 7d2b28bf)</h2>
 * One run is one descheduling cycle: Deschedule strategies (NodeTaints, InterPodAntiAffinity,
 * NodeAffinity) in profile order, then Balance strategies (RemoveDuplicates, TopologySpread,
 * Low/HighNodeUtilization), all over the ready nodes sorted by name, sharing one
 * {@link dev.trimtab.placement.rebalance.core.Evictor}: DefaultEvictor Filter (mirror, static,
 * terminating always protected; local storage, DaemonSet, system-critical, owner-less protected
 * unless allowed; priorityThreshold; labelSelector; the {@code descheduler.alpha.kubernetes.io/evict}
 * annotation overrides), PreEvictionFilter (NodeFit when {@code nodeFit}), the limits in upstream
 * order (total, node, namespace) and each strategy's upstream reaction to a limit (stop the node or
 * the strategy). Usage is requests (the metrics and Prometheus sources are not modelled).
 *
 * <h2>Deviations</h2>
 * <ul>
 * <li>Order is deterministic where upstream iterates maps or uses unstable sorts: nodes and
 *     domains by name, pods by namespace/name within equal upstream keys.</li>
 * <li>A pod recommended once is not recommended again by a later strategy in the same run;
 *     usage is not re-computed between strategies (upstream also reads a stale informer).</li>
 * <li>PodDisruptionBudgets are applied here (upstream leaves them to the eviction API): the
 *     expected count is the number of known pods the selector matches (the disruption controller
 *     uses the controllers' scale), healthy = Ready and not terminating; a budget with neither
 *     field is treated as minAvailable 1. Blocked evictions do not count against the limits.</li>
 * <li>Critical: spec.priority ≥ 2000000000, or, when no priority is resolved, the class names
 *     system-cluster-critical / system-node-critical.</li>
 * <li>Not modelled: RemovePodsViolatingNodeAffinity's preferred type, the namespaceLabelSelector,
 *     minReplicas, minPodAge, PodsWithPVC storage-class config and PodsWithoutPDB protections,
 *     evictions in background, LowNodeUtilization's metrics sources.</li>
 * <li>RemovePodsViolatingNodeTaints lists pods by name per node; NodeFit's resource check uses
 *     the placement core's request sums (sidecars counted as the scheduler does).</li>
 * </ul>
 */
package dev.trimtab.placement.rebalance.core;
