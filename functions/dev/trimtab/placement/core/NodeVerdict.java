package dev.trimtab.placement.core;

import java.util.Map;

/**
 * What placement concluded about one node: feasible or rejected (by which filter, with which
 * status), and for feasible nodes each score plugin's normalized score (0–100, before weights) and
 * the weighted total.
 */
public record NodeVerdict(
        String node, boolean feasible, String rejectedBy, Status status, Map<String, Long> scores, long total) {}
