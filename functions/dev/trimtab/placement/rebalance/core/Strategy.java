package dev.trimtab.placement.rebalance.core;

import dev.trimtab.placement.core.NodeInfo;
import java.util.List;

/**
 * One Descheduler plugin. {@link #name} is upstream's plugin name (a stable reason code);
 * {@link #balance} says whether it runs at the Balance extension point (after every Deschedule
 * plugin) or at Deschedule. {@link #run} asks the evictor to evict pods on the given ready nodes.
 */
public interface Strategy {
    String name();

    boolean balance();

    void run(Evictor evictor, List<NodeInfo> nodes);
}
