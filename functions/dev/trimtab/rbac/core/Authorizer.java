package dev.trimtab.rbac.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The RBAC authorizer over a {@link RbacModel}: who may do what, and why. A cluster-wide request
 * (and every non-resource URL) is granted only through ClusterRoleBindings; a namespaced request
 * through ClusterRoleBindings and the RoleBindings of that namespace. A binding applies to a user
 * when any of its subjects does ({@link Subject#appliesTo}). RBAC only adds: there is no deny.
 */
public final class Authorizer {
    private final RbacModel model;

    public Authorizer(RbacModel model) {
        this.model = model;
    }

    /**
     * May {@code user} (name and groups taken as given) make {@code request}? Only the bindings
     * that name the user or one of its groups are visited (the model's binding index).
     */
    public Answer canI(UserInfo user, AccessRequest request) {
        List<Grant> grants = new ArrayList<>();
        BindingIndex index = model.bindingIndex();
        String combined = request.combinedResource();
        grantsTo(user, index.cluster, request, combined, grants);
        if (!request.namespace().isEmpty()) {
            grantsTo(user, index.namespace(request.namespace()), request, combined, grants);
        }
        return new Answer(!grants.isEmpty(), request, grants);
    }

    private static void grantsTo(
            UserInfo user, BindingIndex.Scope scope, AccessRequest request, String combined, List<Grant> out) {
        for (int i : scope.candidates(user)) {
            Binding b = scope.bindings[i];
            Subject subject = firstApplying(b, user);
            if (subject != null) {
                List<PolicyRule> rules = scope.rules[i];
                scope.byVerb[i].forVerb(request.verb(), r -> {
                    if (rules.get(r).allows(request, combined)) {
                        out.add(new Grant(b.ref(), b.role(), r, rules.get(r), subject));
                    }
                });
            }
        }
    }

    private static Subject firstApplying(Binding b, UserInfo user) {
        for (Subject s : b.subjects()) {
            if (s.appliesTo(user)) {
                return s;
            }
        }
        return null;
    }

    /**
     * Every subject named by a binding that allows {@code request}, in first-grant order. Groups
     * are listed as groups (members are not known); {@code system:authenticated} and friends
     * appear when bound.
     */
    public List<SubjectGrants> whoCan(AccessRequest request) {
        Map<Subject, List<Grant>> bySubject = new LinkedHashMap<>();
        BindingIndex index = model.bindingIndex();
        String combined = request.combinedResource();
        whoCan(index.cluster, request, combined, bySubject);
        if (!request.namespace().isEmpty()) {
            whoCan(index.namespace(request.namespace()), request, combined, bySubject);
        }
        return bySubject.entrySet().stream()
                .map(e -> new SubjectGrants(e.getKey(), e.getValue()))
                .toList();
    }

    private static void whoCan(
            BindingIndex.Scope scope, AccessRequest request, String combined, Map<Subject, List<Grant>> bySubject) {
        int[] allowed = new int[8];
        for (int i = 0; i < scope.bindings.length; i++) {
            Binding b = scope.bindings[i];
            if (b.subjects().isEmpty()) {
                continue;
            }
            List<PolicyRule> rules = scope.rules[i];
            int n = 0;
            for (int r = 0; r < rules.size(); r++) {
                if (rules.get(r).allows(request, combined)) {
                    if (n == allowed.length) {
                        allowed = Arrays.copyOf(allowed, n * 2);
                    }
                    allowed[n++] = r;
                }
            }
            if (n == 0) {
                continue;
            }
            for (Subject s : b.subjects()) {
                List<Grant> g = bySubject.computeIfAbsent(s, k -> new ArrayList<>());
                for (int k = 0; k < n; k++) {
                    g.add(new Grant(b.ref(), b.role(), allowed[k], rules.get(allowed[k]), s));
                }
            }
        }
    }

    /**
     * Every rule that applies to {@code user} for requests in {@code namespace} ({@code ""}: the
     * ClusterRoleBinding rules only), as the API server's {@code RulesFor} lists them and
     * {@code kubectl auth can-i --list} shows them.
     */
    public List<Grant> rulesFor(UserInfo user, String namespace) {
        List<Grant> out = new ArrayList<>();
        visit(
                namespace,
                b -> b.subjects().stream()
                        .filter(s -> s.appliesTo(user))
                        .findFirst()
                        .ifPresent(s -> out.addAll(all(b, s))));
        return out;
    }

    /**
     * What {@code subject} may do ({@link Subject#asUser()}), by scope: key {@code ""} holds the
     * ClusterRoleBinding grants, valid cluster-wide and in every namespace; each namespace key the
     * grants of RoleBindings there (not repeating the cluster-wide ones). Scopes without grants
     * are left out; {@code ""} comes first, then namespaces in order.
     */
    public Map<String, List<Grant>> permissions(Subject subject) {
        UserInfo user = subject.asUser();
        Map<String, List<Grant>> out = new LinkedHashMap<>();
        List<Grant> cluster = rulesFor(user, "");
        if (!cluster.isEmpty()) {
            out.put("", cluster);
        }
        for (String ns : model.bindingNamespaces()) {
            List<Grant> local = rulesFor(user, ns).stream()
                    .filter(g -> !g.binding().isClusterScoped())
                    .toList();
            if (!local.isEmpty()) {
                out.put(ns, local);
            }
        }
        return out;
    }

    /** Bindings in the API server's order: ClusterRoleBindings, then the namespace's RoleBindings. */
    private void visit(String namespace, Consumer<Binding> visitor) {
        model.bindings().stream().filter(Binding::isClusterWide).forEach(visitor);
        if (!namespace.isEmpty()) {
            model.bindings().stream()
                    .filter(b -> !b.isClusterWide() && b.appliesIn(namespace))
                    .forEach(visitor);
        }
    }

    private List<Grant> all(Binding b, Subject subject) {
        List<PolicyRule> rules = model.rulesOf(b.role()).orElse(List.of());
        List<Grant> out = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            out.add(new Grant(b.ref(), b.role(), i, rules.get(i), subject));
        }
        return out;
    }
}
