package dev.trimtab.ingest.core;

import java.util.List;
import java.util.Set;

/**
 * Which workloads read a metric item: the {@code namespace/name} keys of the scale targets whose
 * ScalingPolicies would be evaluated on it (a Pods metric of that name selecting the pod, an
 * Object metric of that name on the object, an External metric of that name in its scope). An
 * item no workload reads is not forwarded.
 */
public interface Router {
    /** One set per item, in the items' order, all answered from one view of the cluster. */
    List<Set<String>> workloads(List<MetricItem> items);
}
