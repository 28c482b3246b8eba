package dev.trimtab.placement.core;

/**
 * What pod (anti-)affinity terms and spread selectors look at in a pod: its namespace, its labels
 * and whether it is terminating (spread skips terminating pods).
 */
record PodKey(String namespace, Labels labels, boolean terminating) {
    static PodKey of(PodInfo p) {
        return new PodKey(p.namespace(), p.labels(), p.terminating());
    }

    /** A stand-in pod for matching a term against the group. */
    PodInfo asPod() {
        return new PodInfo(namespace, "", "", "", terminating, labels, null);
    }
}
