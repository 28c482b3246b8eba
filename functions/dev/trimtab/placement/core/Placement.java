package dev.trimtab.placement.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A placement decision: the chosen node (or none), the reason code and the message the default
 * scheduler would record, and a verdict per node. Per-node verdicts are built on demand from the
 * arrays the {@link Placer} filled, so a decision over thousands of nodes stays cheap.
 */
public final class Placement {
    public enum Reason {
        Scheduled,
        Unschedulable
    }

    private final String pod;
    private final String node;
    private final Reason reason;
    private final String message;
    private final String[] nodeNames;
    private final String[] rejectedBy;
    private final Status[] statuses;
    private final int[] feasibleIndex;
    private final String[] scorePlugins;
    private final long[][] scores;
    private final long[] totals;
    private final List<String> notes;

    Placement(
            String pod,
            String node,
            Reason reason,
            String message,
            String[] nodeNames,
            String[] rejectedBy,
            Status[] statuses,
            int[] feasibleIndex,
            String[] scorePlugins,
            long[][] scores,
            long[] totals,
            List<String> notes) {
        this.pod = pod;
        this.node = node;
        this.reason = reason;
        this.message = message;
        this.nodeNames = nodeNames;
        this.rejectedBy = rejectedBy;
        this.statuses = statuses;
        this.feasibleIndex = feasibleIndex;
        this.scorePlugins = scorePlugins;
        this.scores = scores;
        this.totals = totals;
        this.notes = List.copyOf(notes);
    }

    /**
     * What the scoring applied beyond the pod's own spec, for the explanation: for example the
     * PodTopologySpread default constraints, the selector they counted with and the objects it came from.
     */
    public List<String> notes() {
        return notes;
    }

    public String pod() {
        return pod;
    }

    /** The chosen node, or null when unschedulable. */
    public String node() {
        return node;
    }

    public Reason reason() {
        return reason;
    }

    /** "Successfully assigned ns/pod to node" or the FailedScheduling message ("0/5 nodes are available: ..."). */
    public String message() {
        return message;
    }

    public int feasibleCount() {
        int n = 0;
        for (int i : feasibleIndex) {
            n += i >= 0 ? 1 : 0;
        }
        return n;
    }

    /** Verdicts in node-name order. */
    public List<NodeVerdict> nodes() {
        List<NodeVerdict> out = new ArrayList<>(nodeNames.length);
        for (int i = 0; i < nodeNames.length; i++) {
            out.add(verdict(i));
        }
        return out;
    }

    public NodeVerdict verdict(String nodeName) {
        for (int i = 0; i < nodeNames.length; i++) {
            if (nodeNames[i].equals(nodeName)) {
                return verdict(i);
            }
        }
        return null;
    }

    private NodeVerdict verdict(int i) {
        int j = feasibleIndex[i];
        if (j < 0) {
            return new NodeVerdict(nodeNames[i], false, rejectedBy[i], statuses[i], Map.of(), 0);
        }
        Map<String, Long> s = new LinkedHashMap<>();
        for (int p = 0; p < scorePlugins.length; p++) {
            s.put(scorePlugins[p], scores[p] == null ? 0 : scores[p][j]);
        }
        return new NodeVerdict(nodeNames[i], true, null, Status.SUCCESS, s, totals[j]);
    }

    @Override
    public String toString() {
        return reason + " " + pod + (node == null ? "" : " -> " + node) + ": " + message;
    }
}
