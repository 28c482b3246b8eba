package dev.trimtab.autoscaler.core;

/** One metric value in milli-units, stamped with the time it was measured and the window it covers. */
public record Sample(long valueMilli, long timestampMillis, long windowMillis) {}
