package dev.trimtab.placement.core;

import java.util.List;

/**
 * NodeResourcesFit's {@code scoringStrategy}: the type, the resources with their weights and, for
 * RequestedToCapacityRatio, the utilization→score shape (scores 0–10, scaled ×10 as upstream).
 * {@link #score} takes the requested (including the incoming pod) and allocatable amounts per
 * resource; resources with zero allocatable are left out, as upstream.
 */
public record ScoringStrategy(Type type, List<ResourceWeight> resources, List<ShapePoint> shape) {
    public enum Type {
        LeastAllocated,
        MostAllocated,
        RequestedToCapacityRatio
    }

    public record ResourceWeight(String name, long weight) {}

    public record ShapePoint(long utilization, long score) {}

    public static final List<ResourceWeight> DEFAULT_RESOURCES =
            List.of(new ResourceWeight(ResourceList.CPU, 1), new ResourceWeight(ResourceList.MEMORY, 1));

    public static final ScoringStrategy LEAST_ALLOCATED =
            new ScoringStrategy(Type.LeastAllocated, DEFAULT_RESOURCES, List.of());

    public ScoringStrategy {
        resources = List.copyOf(resources);
        shape = List.copyOf(shape);
        for (int i = 0; i < resources.size(); i++) {
            long w = resources.get(i).weight();
            if (w <= 0 || w > 100) {
                throw new IllegalArgumentException(
                        "scoringStrategy.resources[" + i + "].weight: got " + w + ", want 1 to 100");
            }
        }
        if (type == Type.RequestedToCapacityRatio && shape.isEmpty()) {
            throw new IllegalArgumentException("scoringStrategy.requestedToCapacityRatio.shape: required");
        }
    }

    long score(long[] requested, long[] allocatable) {
        long nodeScore = 0;
        long weightSum = 0;
        for (int i = 0; i < requested.length; i++) {
            if (allocatable[i] == 0) {
                continue;
            }
            long weight = resources.get(i).weight();
            long s = switch (type) {
                case LeastAllocated ->
                    requested[i] > allocatable[i]
                            ? 0
                            : (allocatable[i] - requested[i]) * ScorePlugin.MAX_NODE_SCORE / allocatable[i];
                case MostAllocated ->
                    Math.min(requested[i], allocatable[i]) * ScorePlugin.MAX_NODE_SCORE / allocatable[i];
                case RequestedToCapacityRatio ->
                    brokenLinear(requested[i] > allocatable[i] ? 100 : requested[i] * 100 / allocatable[i]);
            };
            if (type == Type.RequestedToCapacityRatio && s <= 0) {
                continue;
            }
            nodeScore += s * weight;
            weightSum += weight;
        }
        if (weightSum == 0) {
            return 0;
        }
        return type == Type.RequestedToCapacityRatio
                ? Math.round((double) nodeScore / weightSum)
                : nodeScore / weightSum;
    }

    /** {@code helper.BuildBrokenLinearFunction} over the shape, scores scaled from 0–10 to 0–100. */
    private long brokenLinear(long utilization) {
        for (int i = 0; i < shape.size(); i++) {
            ShapePoint p = shape.get(i);
            if (utilization <= p.utilization()) {
                if (i == 0) {
                    return p.score() * 10;
                }
                ShapePoint prev = shape.get(i - 1);
                return prev.score() * 10
                        + (p.score() * 10 - prev.score() * 10)
                                * (utilization - prev.utilization())
                                / (p.utilization() - prev.utilization());
            }
        }
        return shape.get(shape.size() - 1).score() * 10;
    }
}
