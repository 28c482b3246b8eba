/**
 * Pure placement decisions with kube-scheduler's semantics (default profile, v1.3x plugins).
 *
 * <h2>Flow</h2>
 * An adapter keeps a {@link dev.trimtab.placement.core.Snapshot} current from Node, Pod and Namespace
 * watch events, and Service, ReplicationController, ReplicaSet and StatefulSet events for the
 * default topology spreading (object maps as Jackson parses them), and calls
 * {@link dev.trimtab.placement.core.Placer#place}; the returned
 * {@link dev.trimtab.placement.core.Placement} names the node, the reason code
 * ({@code Scheduled}/{@code Unschedulable}), the FailedScheduling message and a verdict per node
 * (rejecting filter and status, or normalized per-plugin scores and the weighted total).
 * {@link dev.trimtab.placement.core.Snapshot#assume} records the binding so the next decision sees it.
 *
 * <h2>Units</h2>
 * cpu in milli-cores; memory, ephemeral-storage and scalar resources in whole units rounded up
 * (Quantity.Value()). Pod requests follow {@code resource.PodRequests}: max(sum of app containers
 * plus sidecars, each init container plus the sidecars started before it) plus overhead. Scores
 * count unset cpu/memory requests as 100m/200Mi per container (NodeResourcesFit) but not in
 * BalancedAllocation, as upstream.
 *
 * <h2>Plugins</h2>
 * One class per filter or score behind {@link dev.trimtab.placement.core.FilterPlugin} /
 * {@link dev.trimtab.placement.core.ScorePlugin}; {@code prepare} is PreFilter/PreScore and holds the
 * per-decision state (topology counts, affinity terms), computed once per decision. Filters run in
 * the default profile's order and the first rejection decides the node's status; reason strings
 * are upstream's. Scores are 0–100 after normalization; weights come from the
 * {@link dev.trimtab.placement.core.Profile}.
 *
 * <h2>Default topology spreading</h2>
 * A pod without {@code topologySpreadConstraints} gets the profile's {@link dev.trimtab.placement.core.SpreadDefaults}
 * (System by default: hostname maxSkew 3, zone maxSkew 5, ScheduleAnyway) counted with its
 * {@link dev.trimtab.placement.core.DefaultSelector} (upstream {@code helper.DefaultSelector}: matching
 * Services' selectors merged, plus the controlling RC's selector, plus the controlling ReplicaSet's or
 * StatefulSet's requirements); none when that selector is empty. The placement's {@code notes} name
 * them. With System defaulting a node without a zone label is spread by hostname only.
 *
 * <h2>Tie-breaking</h2>
 * Highest weighted total wins; among equal totals the lexicographically smallest node name.
 * Upstream picks uniformly at random among ties (reservoir sampling in {@code selectHost}); we
 * choose a fixed order so replays are reproducible.
 *
 * <h2>Deviations</h2>
 * <ul>
 * <li>All nodes are filtered and all feasible nodes scored (percentageOfNodesToScore = 100), also
 *     when only one node is feasible (upstream then skips scoring; the choice is the same).</li>
 * <li>No preemption: the message's "preemption:" part is what DefaultPreemption says when no pod
 *     has a lower priority ("No preemption victims found for incoming pod", or "Preemption is not
 *     helpful for scheduling" for unresolvable rejections).</li>
 * <li>NodeAffinity's PreFilter shortcut on {@code metadata.name} fields is not modelled; the
 *     filter verdicts are the same. Volume plugins, DRA and scheduling gates are not modelled.</li>
 * <li>Nodes without {@code status.allocatable} use {@code status.capacity}. The Ready condition is
 *     recorded but not filtered on (upstream relies on the not-ready taints).</li>
 * <li>Host ports are taken from app containers and sidecar (restartable init) containers, as
 *     {@code getContainerPorts}.</li>
 * </ul>
 */
package dev.trimtab.placement.core;
