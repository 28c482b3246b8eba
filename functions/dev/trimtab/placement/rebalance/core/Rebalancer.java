package dev.trimtab.placement.rebalance.core;

import dev.trimtab.placement.core.NodeInfo;
import java.util.List;

/**
 * Runs a profile's strategies over the cluster state, as one Descheduler cycle: every Deschedule
 * strategy in profile order, then every Balance strategy, with one evictor (limits and budgets are
 * shared across strategies). Returns the recommendations in the order they were made, which is
 * deterministic: nodes by name, pods by the strategy's upstream order with ties by name.
 * Computes on demand; it never mutates the state.
 */
public final class Rebalancer {
    private final RebalanceProfile profile;

    public Rebalancer(RebalanceProfile profile) {
        this.profile = profile;
    }

    public List<Recommendation> recommend(ClusterState state) {
        Evictor evictor = new Evictor(state, profile.evictor(), profile.limits());
        List<NodeInfo> nodes = state.readyNodes();
        for (Strategy s : profile.strategies()) {
            if (!s.balance()) {
                s.run(evictor, nodes);
            }
        }
        for (Strategy s : profile.strategies()) {
            if (s.balance()) {
                s.run(evictor, nodes);
            }
        }
        return evictor.recommendations();
    }
}
