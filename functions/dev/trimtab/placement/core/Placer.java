package dev.trimtab.placement.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Decides where one pod goes, the way kube-scheduler's scheduling cycle does
 * ({@code schedule_one.go}): PreFilter + Filter on every node (first rejecting filter wins), then
 * PreScore + Score + NormalizeScore on every feasible node, weights applied, highest total wins.
 * Ties go to the lexicographically smallest node name (upstream samples among ties at random), so
 * a replay gives the same answer. Plugin instances are built once per profile.
 */
public final class Placer {
    private final Map<Profile, Plugins> plugins = new HashMap<>();

    private record Plugins(List<FilterPlugin> filters, List<ScorePlugin> scores, long[] weights) {}

    public Placement place(Snapshot snapshot, PodInfo pod, Profile profile) {
        Plugins p = plugins.computeIfAbsent(profile, Placer::build);
        NodeInfo[] nodes = snapshot.sortedNodes();
        int n = nodes.length;
        String[] names = new String[n];
        String[] rejectedBy = new String[n];
        Status[] statuses = new Status[n];
        int[] feasibleIndex = new int[n];
        NodeInfo[] feasible = new NodeInfo[n];
        int count = filter(pod, snapshot, p.filters, nodes, names, rejectedBy, statuses, feasibleIndex, feasible);

        String[] scoreNames = new String[p.scores.size()];
        long[][] scores = new long[p.scores.size()][];
        long[] totals = new long[count];
        List<String> notes = new ArrayList<>(0);
        if (count > 0) {
            score(pod, snapshot, p, feasible, count, scoreNames, scores, totals, notes);
        } else {
            for (int s = 0; s < scoreNames.length; s++) {
                scoreNames[s] = p.scores.get(s).name();
            }
        }
        int best = -1;
        for (int j = 0; j < count; j++) {
            if (best < 0 || totals[j] > totals[best]) {
                best = j;
            }
        }
        if (best < 0) {
            return new Placement(
                    pod.key(),
                    null,
                    Placement.Reason.Unschedulable,
                    fitError(statuses, n),
                    names,
                    rejectedBy,
                    statuses,
                    feasibleIndex,
                    scoreNames,
                    scores,
                    totals,
                    notes);
        }
        String chosen = feasible[best].name();
        return new Placement(
                pod.key(),
                chosen,
                Placement.Reason.Scheduled,
                "Successfully assigned " + pod.key() + " to " + chosen,
                names,
                rejectedBy,
                statuses,
                feasibleIndex,
                scoreNames,
                scores,
                totals,
                notes);
    }

    private static int filter(
            PodInfo pod,
            Snapshot snapshot,
            List<FilterPlugin> plugins,
            NodeInfo[] nodes,
            String[] names,
            String[] rejectedBy,
            Status[] statuses,
            int[] feasibleIndex,
            NodeInfo[] feasible) {
        List<FilterPlugin.NodeFilter> checks = new ArrayList<>(plugins.size());
        List<String> checkNames = new ArrayList<>(plugins.size());
        for (FilterPlugin f : plugins) {
            FilterPlugin.NodeFilter check = f.prepare(pod, snapshot);
            if (check != null) {
                checks.add(check);
                checkNames.add(f.name());
            }
        }
        FilterPlugin.NodeFilter[] c = checks.toArray(new FilterPlugin.NodeFilter[0]);
        int count = 0;
        for (int i = 0; i < nodes.length; i++) {
            NodeInfo node = nodes[i];
            names[i] = node.name();
            feasibleIndex[i] = -1;
            Status verdict = Status.SUCCESS;
            for (int k = 0; k < c.length; k++) {
                verdict = c[k].filter(node);
                if (!verdict.isSuccess()) {
                    rejectedBy[i] = checkNames.get(k);
                    break;
                }
            }
            statuses[i] = verdict;
            if (verdict.isSuccess()) {
                feasibleIndex[i] = count;
                feasible[count++] = node;
            }
        }
        return count;
    }

    private static void score(
            PodInfo pod,
            Snapshot snapshot,
            Plugins p,
            NodeInfo[] feasible,
            int count,
            String[] scoreNames,
            long[][] scores,
            long[] totals,
            List<String> notes) {
        List<NodeInfo> feasibleList = Arrays.asList(feasible).subList(0, count);
        for (int s = 0; s < p.scores.size(); s++) {
            ScorePlugin plugin = p.scores.get(s);
            scoreNames[s] = plugin.name();
            ScorePlugin.NodeScorer scorer = plugin.prepare(pod, snapshot, feasibleList);
            if (scorer == null) {
                continue;
            }
            String note = scorer.note();
            if (note != null) {
                notes.add(note);
            }
            long[] row = new long[count];
            for (int j = 0; j < count; j++) {
                row[j] = scorer.score(feasible[j]);
            }
            scorer.normalize(row, feasible, count);
            long weight = p.weights[s];
            for (int j = 0; j < count; j++) {
                totals[j] += weight * row[j];
            }
            scores[s] = row;
        }
    }

    /**
     * {@code FitError.Error()}: "0/N nodes are available: " + sorted "count reason" histogram, then the
     * PostFilter (preemption) message. We do not preempt; the message says what DefaultPreemption
     * reports when all pods share a priority: unresolvable nodes are "Preemption is not helpful for
     * scheduling", the others have "No preemption victims found for incoming pod".
     */
    static String fitError(Status[] statuses, int n) {
        if (n == 0) {
            return "no nodes available to schedule pods";
        }
        Map<String, Integer> reasons = new TreeMap<>();
        Map<String, Integer> preemption = new TreeMap<>();
        for (Status s : statuses) {
            for (String r : s.reasons()) {
                reasons.merge(r, 1, Integer::sum);
            }
            preemption.merge(
                    s.code() == Status.Code.UNSCHEDULABLE_AND_UNRESOLVABLE
                            ? "Preemption is not helpful for scheduling"
                            : "No preemption victims found for incoming pod",
                    1,
                    Integer::sum);
        }
        return "0/" + n + " nodes are available: " + histogram(reasons) + ". preemption: 0/" + n
                + " nodes are available: " + histogram(preemption) + ".";
    }

    private static String histogram(Map<String, Integer> counts) {
        List<String> parts = new ArrayList<>();
        counts.forEach((reason, c) -> parts.add(c + " " + reason));
        parts.sort(null);
        return String.join(", ", parts);
    }

    private static Plugins build(Profile profile) {
        List<ScorePlugin> scores = profile.scorePlugins();
        long[] weights = new long[scores.size()];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = profile.scoreWeights().get(scores.get(i).name());
        }
        return new Plugins(profile.filterPlugins(), scores, weights);
    }
}
