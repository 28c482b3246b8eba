package dev.trimtab.rbac.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * The bindings of a {@link RbacModel} in the authorizer's visiting order, by scope: the
 * ClusterRoleBindings, and each namespace's RoleBindings, each list in input order. Within a
 * scope, the positions of the bindings that name a user (User subjects, and ServiceAccount
 * subjects under the user name their tokens carry) and a group, so that {@code canI} visits only
 * the bindings that can apply to the asking user. A binding listed under a name may still not
 * apply (the subject check is made as before); every binding that applies is listed.
 */
final class BindingIndex {
    /**
     * One role's effective rules by verb: the positions of the rules that list a verb, and of those
     * that list {@code *}. A rule allows a request only when its verbs match, so the others need not
     * be looked at.
     */
    static final class Rules {
        final List<PolicyRule> rules;
        private final int[] wildcard;
        private final Map<String, int[]> byVerb;

        Rules(List<PolicyRule> rules) {
            this.rules = rules;
            Map<String, List<Integer>> verbs = new HashMap<>();
            List<Integer> any = new ArrayList<>();
            for (int i = 0; i < rules.size(); i++) {
                for (String v : rules.get(i).verbs()) {
                    add(v.equals(PolicyRule.ALL) ? null : verbs, v, i, any);
                }
            }
            wildcard = any.stream().mapToInt(Integer::intValue).toArray();
            byVerb = Scope.toArrays(verbs);
        }

        private static void add(Map<String, List<Integer>> verbs, String verb, int i, List<Integer> any) {
            List<Integer> l = verbs == null ? any : verbs.computeIfAbsent(verb, k -> new ArrayList<>(2));
            if (l.isEmpty() || l.get(l.size() - 1) != i) {
                l.add(i);
            }
        }

        /** The rules whose verbs match {@code verb} ({@link PolicyRule#verbMatches}), in rule order, to {@code visitor}. */
        void forVerb(String verb, IntConsumer visitor) {
            int[] named = byVerb.getOrDefault(verb, NONE);
            int a = 0;
            int b = 0;
            while (a < wildcard.length || b < named.length) {
                int next = b == named.length || a < wildcard.length && wildcard[a] <= named[b] ? wildcard[a] : named[b];
                visitor.accept(next);
                while (a < wildcard.length && wildcard[a] == next) {
                    a++;
                }
                while (b < named.length && named[b] == next) {
                    b++;
                }
            }
        }
    }

    private static final int[] NONE = new int[0];

    /** One scope's bindings in visiting order, with their rules, and who they name. */
    static final class Scope {
        final Binding[] bindings;
        /** The effective rules of each binding's role, empty when the role does not exist. */
        final List<PolicyRule>[] rules;
        /** The same, by verb. */
        final Rules[] byVerb;

        private final Map<String, int[]> byUser;
        private final Map<String, int[]> byGroup;

        @SuppressWarnings("unchecked")
        Scope(List<Binding> list, RbacModel model, Map<List<PolicyRule>, Rules> shared) {
            bindings = list.toArray(new Binding[0]);
            rules = new List[bindings.length];
            byVerb = new Rules[bindings.length];
            Map<String, List<Integer>> users = new HashMap<>();
            Map<String, List<Integer>> groups = new HashMap<>();
            for (int i = 0; i < bindings.length; i++) {
                rules[i] = model.rulesOf(bindings[i].role()).orElse(List.of());
                byVerb[i] = shared.computeIfAbsent(rules[i], Rules::new);
                for (Subject s : bindings[i].subjects()) {
                    switch (s.kind()) {
                        case User -> add(users, s.name(), i);
                        case Group -> add(groups, s.name(), i);
                        case ServiceAccount -> {
                            if (s.namespace() != null && !s.namespace().isEmpty()) {
                                add(users, UserInfo.serviceAccountUserName(s.namespace(), s.name()), i);
                            }
                        }
                    }
                }
            }
            byUser = toArrays(users);
            byGroup = toArrays(groups);
        }

        /** Ascending positions of the bindings that may apply to {@code user}. */
        int[] candidates(UserInfo user) {
            int[] own = user.name() == null ? null : byUser.get(user.name());
            int[] out = own == null ? new int[0] : own;
            boolean copied = false;
            for (String g : user.groups()) {
                int[] more = byGroup.get(g);
                if (more == null) {
                    continue;
                }
                if (out.length == 0) {
                    out = more;
                    continue;
                }
                int[] merged = Arrays.copyOf(out, out.length + more.length);
                System.arraycopy(more, 0, merged, out.length, more.length);
                out = merged;
                copied = true;
            }
            if (copied) {
                Arrays.sort(out);
                int n = 0;
                for (int i = 0; i < out.length; i++) {
                    if (n == 0 || out[n - 1] != out[i]) {
                        out[n++] = out[i];
                    }
                }
                out = Arrays.copyOf(out, n);
            }
            return out;
        }

        private static void add(Map<String, List<Integer>> m, String key, int position) {
            List<Integer> l = m.computeIfAbsent(key, k -> new ArrayList<>(2));
            if (l.isEmpty() || l.get(l.size() - 1) != position) {
                l.add(position);
            }
        }

        private static Map<String, int[]> toArrays(Map<String, List<Integer>> m) {
            Map<String, int[]> out = new HashMap<>();
            m.forEach(
                    (k, v) -> out.put(k, v.stream().mapToInt(Integer::intValue).toArray()));
            return out;
        }
    }

    private static final Scope EMPTY = new Scope(List.of(), null, Map.of());

    final Scope cluster;
    private final Map<String, Scope> namespaces = new HashMap<>();

    BindingIndex(RbacModel model) {
        List<Binding> cw = new ArrayList<>();
        Map<String, List<Binding>> ns = new HashMap<>();
        for (Binding b : model.bindings()) {
            if (b.isClusterWide()) {
                cw.add(b);
            } else {
                ns.computeIfAbsent(b.ref().namespace(), k -> new ArrayList<>()).add(b);
            }
        }
        // bindings to one role share its rules (by identity), and so its index by verb
        Map<List<PolicyRule>, Rules> shared = new IdentityHashMap<>();
        cluster = new Scope(cw, model, shared);
        ns.forEach((name, list) -> namespaces.put(name, new Scope(list, model, shared)));
    }

    /** The RoleBindings of {@code namespace} (none for {@code ""}). */
    Scope namespace(String namespace) {
        Scope s = namespaces.get(namespace);
        return s == null ? EMPTY : s;
    }
}
