package dev.trimtab.placement.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A scheduling profile in the spirit of {@code KubeSchedulerConfiguration.profiles[]}: the enabled
 * filters in the order they run, the score plugins with their weights, NodeResourcesFit's scoring
 * strategy and BalancedAllocation's resources. {@link #defaults()} is the default scheduler's
 * (pkg/scheduler/apis/config/v1/default_plugins.go): filters NodeUnschedulable, NodeName,
 * TaintToleration, NodeAffinity, NodePorts, NodeResourcesFit, PodTopologySpread, InterPodAffinity;
 * weights TaintToleration 3, NodeAffinity 2, NodeResourcesFit 1, PodTopologySpread 2,
 * InterPodAffinity 2, NodeResourcesBalancedAllocation 1, ImageLocality 1. Volume plugins are not
 * modelled. percentageOfNodesToScore is always 100: every feasible node is scored. PodTopologySpread's
 * defaulting is {@link SpreadDefaults#SYSTEM} unless set.
 */
public record Profile(
        String schedulerName,
        List<String> filters,
        Map<String, Integer> scoreWeights,
        ScoringStrategy scoringStrategy,
        List<ScoringStrategy.ResourceWeight> balancedResources,
        SpreadDefaults spreadDefaults) {

    public static final List<String> FILTERS = List.of(
            NodeUnschedulable.NAME,
            NodeName.NAME,
            TaintTolerationFilter.NAME,
            NodeAffinityFilter.NAME,
            NodePorts.NAME,
            NodeResourcesFitFilter.NAME,
            PodTopologySpreadFilter.NAME,
            InterPodAffinityFilter.NAME);
    public static final List<String> SCORES = List.of(
            TaintTolerationFilter.NAME,
            NodeAffinityFilter.NAME,
            NodeResourcesFitFilter.NAME,
            PodTopologySpreadFilter.NAME,
            InterPodAffinityFilter.NAME,
            BalancedAllocationScore.NAME,
            ImageLocalityScore.NAME);

    public Profile {
        filters = List.copyOf(filters);
        for (String f : filters) {
            if (!FILTERS.contains(f)) {
                throw new IllegalArgumentException(
                        "profile " + schedulerName + ": filter " + f + " is unknown; known: " + FILTERS);
            }
        }
        scoreWeights = Collections.unmodifiableMap(new LinkedHashMap<>(scoreWeights));
        scoreWeights.forEach((name, w) -> {
            if (!SCORES.contains(name)) {
                throw new IllegalArgumentException(
                        "profile " + schedulerName + ": score plugin " + name + " is unknown; known: " + SCORES);
            }
            if (w == null || w < 1 || w > 100) {
                throw new IllegalArgumentException(
                        "profile " + schedulerName + ": weight of " + name + ": got " + w + ", want 1 to 100");
            }
        });
        balancedResources = List.copyOf(balancedResources);
        Objects.requireNonNull(spreadDefaults, "spreadDefaults");
    }

    /** A profile with the System spreading defaults (PodTopologySpread's default args). */
    public Profile(
            String schedulerName,
            List<String> filters,
            Map<String, Integer> scoreWeights,
            ScoringStrategy scoringStrategy,
            List<ScoringStrategy.ResourceWeight> balancedResources) {
        this(schedulerName, filters, scoreWeights, scoringStrategy, balancedResources, SpreadDefaults.SYSTEM);
    }

    public static Profile defaults() {
        Map<String, Integer> weights = new LinkedHashMap<>();
        weights.put(TaintTolerationFilter.NAME, 3);
        weights.put(NodeAffinityFilter.NAME, 2);
        weights.put(NodeResourcesFitFilter.NAME, 1);
        weights.put(PodTopologySpreadFilter.NAME, 2);
        weights.put(InterPodAffinityFilter.NAME, 2);
        weights.put(BalancedAllocationScore.NAME, 1);
        weights.put(ImageLocalityScore.NAME, 1);
        return new Profile(
                "default-scheduler",
                FILTERS,
                weights,
                ScoringStrategy.LEAST_ALLOCATED,
                ScoringStrategy.DEFAULT_RESOURCES);
    }

    /** Disables plugins at every extension point (a name in {@code disabled} of both filter and score). */
    public Profile without(String... plugins) {
        List<String> f = new ArrayList<>(filters);
        Map<String, Integer> w = new LinkedHashMap<>(scoreWeights);
        for (String p : plugins) {
            f.remove(p);
            w.remove(p);
        }
        return new Profile(schedulerName, f, w, scoringStrategy, balancedResources, spreadDefaults);
    }

    public Profile withWeight(String plugin, int weight) {
        Map<String, Integer> w = new LinkedHashMap<>(scoreWeights);
        w.put(plugin, weight);
        return new Profile(schedulerName, filters, w, scoringStrategy, balancedResources, spreadDefaults);
    }

    public Profile withScoringStrategy(ScoringStrategy strategy) {
        return new Profile(schedulerName, filters, scoreWeights, strategy, balancedResources, spreadDefaults);
    }

    /** PodTopologySpread's defaulting ({@code defaultingType} and {@code defaultConstraints}). */
    public Profile withSpreadDefaults(SpreadDefaults defaults) {
        return new Profile(schedulerName, filters, scoreWeights, scoringStrategy, balancedResources, defaults);
    }

    List<FilterPlugin> filterPlugins() {
        List<FilterPlugin> out = new ArrayList<>();
        for (String f : filters) {
            out.add(
                    switch (f) {
                        case NodeUnschedulable.NAME -> new NodeUnschedulable();
                        case NodeName.NAME -> new NodeName();
                        case TaintTolerationFilter.NAME -> new TaintTolerationFilter();
                        case NodeAffinityFilter.NAME -> new NodeAffinityFilter();
                        case NodePorts.NAME -> new NodePorts();
                        case NodeResourcesFitFilter.NAME -> new NodeResourcesFitFilter();
                        case PodTopologySpreadFilter.NAME -> new PodTopologySpreadFilter(spreadDefaults);
                        default -> new InterPodAffinityFilter();
                    });
        }
        return out;
    }

    List<ScorePlugin> scorePlugins() {
        List<ScorePlugin> out = new ArrayList<>();
        for (String s : scoreWeights.keySet()) {
            out.add(
                    switch (s) {
                        case TaintTolerationFilter.NAME -> new TaintTolerationScore();
                        case NodeAffinityFilter.NAME -> new NodeAffinityScore();
                        case NodeResourcesFitFilter.NAME -> new NodeResourcesFitScore(scoringStrategy);
                        case PodTopologySpreadFilter.NAME -> new PodTopologySpreadScore(spreadDefaults);
                        case InterPodAffinityFilter.NAME -> new InterPodAffinityScore();
                        case BalancedAllocationScore.NAME -> new BalancedAllocationScore(balancedResources);
                        default -> new ImageLocalityScore();
                    });
        }
        return out;
    }
}
