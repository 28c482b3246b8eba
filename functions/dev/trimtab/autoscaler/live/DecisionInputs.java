package dev.trimtab.autoscaler.live;

import java.util.ArrayList;
import java.util.List;

/**
 * The metric events a decision was taken on: the CloudEvent ids of the metric events folded for
 * the policy since its previous decision, in arrival order, at most {@link #MAX_IDS} of them;
 * {@code dropped} counts the rest. Empty for decisions no metric event triggered (a resync, a
 * policy change). It goes to the decision log as {@code inputs} and {@code inputsDropped}, so a
 * reader can account for every metric record consumed.
 */
public record DecisionInputs(List<String> ids, int dropped) {
    public static final int MAX_IDS = 1000;
    public static final DecisionInputs NONE = new DecisionInputs(List.of(), 0);

    public DecisionInputs {
        ids = List.copyOf(ids);
    }

    public boolean isEmpty() {
        return ids.isEmpty() && dropped == 0;
    }

    /** Collects ids in arrival order, keeping the first {@link #MAX_IDS}. */
    static final class Builder {
        private final List<String> ids = new ArrayList<>();
        private int dropped;

        void add(String id) {
            if (ids.size() < MAX_IDS) {
                ids.add(id);
            } else {
                dropped++;
            }
        }

        DecisionInputs build() {
            return ids.isEmpty() && dropped == 0 ? NONE : new DecisionInputs(ids, dropped);
        }
    }
}
