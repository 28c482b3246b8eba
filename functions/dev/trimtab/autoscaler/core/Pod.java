package dev.trimtab.autoscaler.core;

import java.util.List;
import java.util.Map;

/**
 * The part of a Pod the replica calculator reads.
 *
 * @param ready the Ready condition: TRUE, FALSE, or null when the pod has no Ready condition
 *              (or its status is Unknown)
 * @param readyTransitionMillis the Ready condition's lastTransitionTime, epoch millis (0 if none)
 * @param startMillis status.startTime, epoch millis, or -1 when unset
 * @param containers the containers whose requests count: regular containers and restartable
 *                   (sidecar) init containers, in spec order
 */
public record Pod(
        String namespace,
        String name,
        Map<String, String> labels,
        Phase phase,
        Boolean ready,
        long readyTransitionMillis,
        long startMillis,
        boolean deleting,
        List<Container> containers) {

    public enum Phase {
        Pending,
        Running,
        Succeeded,
        Failed,
        Unknown
    }

    public Pod {
        labels = Map.copyOf(labels);
        containers = List.copyOf(containers);
    }

    /** A container's resource requests, in milli-units, by resource name. */
    public record Container(String name, Map<String, Long> requestsMilli) {
        public Container {
            requestsMilli = Map.copyOf(requestsMilli);
        }
    }

    public boolean runningAndReady() {
        return phase == Phase.Running && Boolean.TRUE.equals(ready);
    }
}
