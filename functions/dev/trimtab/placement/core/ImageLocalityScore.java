package dev.trimtab.placement.core;

import java.util.List;

/**
 * Favors nodes that already hold the pod's images: the sum over containers (init and app) of image
 * size × (nodes with the image / all nodes), clamped to [23 MiB, 1000 MiB × containers] and scaled
 * to 0–100. No normalization. Image names are compared after adding ":latest" to untagged names.
 */
public final class ImageLocalityScore implements ScorePlugin {
    public static final String NAME = "ImageLocality";
    static final long MB = 1024 * 1024;
    static final long MIN_THRESHOLD = 23 * MB;
    static final long MAX_CONTAINER_THRESHOLD = 1000 * MB;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public NodeScorer prepare(PodInfo pod, Snapshot snapshot, List<NodeInfo> feasible) {
        List<String> images = pod.spec().images();
        if (images.isEmpty()) {
            return null;
        }
        int totalNodes = snapshot.nodeCount();
        double[] spread = new double[images.size()];
        for (int i = 0; i < spread.length; i++) {
            spread[i] = totalNodes == 0 ? 0 : (double) snapshot.nodesWithImage(images.get(i)) / totalNodes;
        }
        long maxThreshold = MAX_CONTAINER_THRESHOLD * images.size();
        return node -> {
            long sum = 0;
            for (int i = 0; i < spread.length; i++) {
                long size = node.imageSize(images.get(i));
                if (size >= 0) {
                    sum += (long) (size * spread[i]);
                }
            }
            sum = Math.max(MIN_THRESHOLD, Math.min(maxThreshold, sum));
            return MAX_NODE_SCORE * (sum - MIN_THRESHOLD) / (maxThreshold - MIN_THRESHOLD);
        };
    }
}
