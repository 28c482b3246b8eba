package dev.trimtab.rbac.core;

import java.util.ArrayList;
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

    /** May {@code user} (name and groups taken as given) make {@code request}? */
    public Answer canI(UserInfo user, AccessRequest request) {
        List<Grant> grants = new ArrayList<>();
        visit(request.namespace(), b -> {
            Subject subject = b.subjects().stream().filter(s -> s.appliesTo(user)).findFirst().orElse(null);
            if (subject != null) {
                grants.addAll(allowing(b, request, subject));
            }
        });
        return new Answer(!grants.isEmpty(), request, grants);
    }

    /**
     * Every subject named by a binding that allows {@code request}, in first-grant order. Groups
     * are listed as groups (members are not known); {@code system:authenticated} and friends
     * appear when bound.
     */
    public List<SubjectGrants> whoCan(AccessRequest request) {
        Map<Subject, List<Grant>> bySubject = new LinkedHashMap<>();
        visit(request.namespace(), b -> {
            for (Subject s : b.subjects()) {
                List<Grant> g = allowing(b, request, s);
                if (!g.isEmpty()) {
                    bySubject.computeIfAbsent(s, k -> new ArrayList<>()).addAll(g);
                }
            }
        });
        return bySubject.entrySet().stream().map(e -> new SubjectGrants(e.getKey(), e.getValue())).toList();
    }

    /**
     * Every rule that applies to {@code user} for requests in {@code namespace} ({@code ""}: the
     * ClusterRoleBinding rules only), as the API server's {@code RulesFor} lists them and
     * {@code kubectl auth can-i --list} shows them.
     */
    public List<Grant> rulesFor(UserInfo user, String namespace) {
        List<Grant> out = new ArrayList<>();
        visit(namespace, b -> b.subjects().stream().filter(s -> s.appliesTo(user)).findFirst()
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
                    .filter(g -> !g.binding().isClusterScoped()).toList();
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
            model.bindings().stream().filter(b -> !b.isClusterWide() && b.appliesIn(namespace)).forEach(visitor);
        }
    }

    private List<Grant> allowing(Binding b, AccessRequest request, Subject subject) {
        return all(b, subject).stream().filter(g -> g.rule().allows(request)).toList();
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
