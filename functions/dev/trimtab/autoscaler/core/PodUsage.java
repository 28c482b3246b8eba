package dev.trimtab.autoscaler.core;

import java.util.List;
import java.util.Map;

/**
 * A metrics.k8s.io PodMetrics: per container, per resource, the usage in milli-units.
 * Containers are kept in the order reported; {@code labels} are the pod's labels as metrics-server
 * copies them (empty when the producer did not send them).
 */
public record PodUsage(
        long timestampMillis, long windowMillis, Map<String, String> labels, List<ContainerUsage> containers) {

    public record ContainerUsage(String name, Map<String, Long> usageMilli) {
        public ContainerUsage {
            usageMilli = Map.copyOf(usageMilli);
        }
    }

    public PodUsage {
        labels = Map.copyOf(labels);
        containers = List.copyOf(containers);
    }

    /**
     * The pod's usage of {@code resource} (summed over containers, or of one container when
     * {@code container} is non-empty), or null when a container lacks it or there are none —
     * the HPA's metrics client then treats the pod as having no metric.
     */
    public Long usage(String resource, String container) {
        if (container == null || container.isEmpty()) {
            if (containers.isEmpty()) {
                return null;
            }
            long sum = 0;
            for (ContainerUsage c : containers) {
                Long v = c.usageMilli().get(resource);
                if (v == null) {
                    return null;
                }
                sum += v;
            }
            return sum;
        }
        for (ContainerUsage c : containers) {
            if (c.name().equals(container)) {
                return c.usageMilli().get(resource);
            }
        }
        return null;
    }
}
