package dev.trimtab.network.core;

/** A policy type: Ingress restricts who may connect to a pod, Egress where a pod may connect to. */
public enum Direction {
    Ingress,
    Egress
}
