package dev.trimtab.network.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which policies select which pod, worked out once per {@link NetworkModel}: a policy selects only
 * pods of its own namespace, so each pod is matched against its namespace's policies, and the
 * answer (policy positions in model order, and their {@code ns/name} keys) is kept for every pod
 * of the model. Pods the model does not hold (looked up by identity) are matched on demand, with
 * the same result. Read-only once built. Built for a model derived from another ({@link
 * NetworkModel#with}) it takes over, when the policies are the same objects, the answers for the
 * pods that are the same objects.
 */
final class PolicyIndex {
    /** The policies selecting one pod for one direction, in model order. */
    record Selection(int[] policies, List<String> keys) {
        static final Selection NONE = new Selection(new int[0], List.of());

        boolean isEmpty() {
            return policies.length == 0;
        }
    }

    final NetworkPolicy[] policies;
    final String[] keys;
    private final Map<String, int[]> byNamespace;
    private final IdentityHashMap<Pod, Selection[]> byPod = new IdentityHashMap<>();

    /** @param previous the index of the model {@code model} was derived from, or null */
    PolicyIndex(NetworkModel model, PolicyIndex previous) {
        policies = model.policies().toArray(new NetworkPolicy[0]);
        boolean samePolicies = previous != null && previous.policies.length == policies.length;
        for (int i = 0; samePolicies && i < policies.length; i++) {
            samePolicies = previous.policies[i] == policies[i];
        }
        if (samePolicies) {
            keys = previous.keys;
            byNamespace = previous.byNamespace;
        } else {
            keys = new String[policies.length];
            byNamespace = new HashMap<>();
            Map<String, List<Integer>> grouped = new HashMap<>();
            for (int i = 0; i < policies.length; i++) {
                keys[i] = policies[i].key();
                grouped.computeIfAbsent(policies[i].namespace(), k -> new ArrayList<>())
                        .add(i);
            }
            grouped.forEach((ns, idx) ->
                    byNamespace.put(ns, idx.stream().mapToInt(Integer::intValue).toArray()));
        }
        for (Pod pod : model.pods()) {
            Selection[] known = samePolicies ? previous.byPod.get(pod) : null;
            byPod.put(
                    pod,
                    known != null
                            ? known
                            : new Selection[] {compute(pod, Direction.Ingress), compute(pod, Direction.Egress)});
        }
    }

    /** The policies that select {@code pod} for {@code direction} ({@link NetworkPolicy#selects}), in model order. */
    Selection selecting(Pod pod, Direction direction) {
        Selection[] known = byPod.get(pod);
        if (known != null) {
            return known[direction == Direction.Ingress ? 0 : 1];
        }
        return compute(pod, direction);
    }

    private Selection compute(Pod pod, Direction direction) {
        int[] candidates = byNamespace.get(pod.namespace());
        if (candidates == null) {
            return Selection.NONE;
        }
        int[] out = new int[candidates.length];
        int n = 0;
        for (int i : candidates) {
            if (policies[i].selects(pod, direction)) {
                out[n++] = i;
            }
        }
        if (n == 0) {
            return Selection.NONE;
        }
        int[] selected = Arrays.copyOf(out, n);
        List<String> k = new ArrayList<>(n);
        for (int i : selected) {
            k.add(keys[i]);
        }
        return new Selection(selected, List.copyOf(k));
    }
}
