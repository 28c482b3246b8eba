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
     * What {@code subject} may do ({@link Subject#asUser()}), by scope: key {@code ""} holds the
     * ClusterRoleBinding grants, valid cluster-wide and in every namespace; each namespace key the
     * grants of RoleBindings there (not repeating the cluster-wide ones). Scopes without grants
     * are left out.
     */
    public Map<String, List<Grant>> permissions(Subject subject) {
        UserInfo user = subject.asUser();
        Map<String, List<Grant>> out = new LinkedHashMap<>();
        List<String> scopes = new ArrayList<>();
        scopes.add("");
        scopes.addAll(model.bindingNamespaces());
        for (String scope : scopes) {
            List<Grant> grants = new ArrayList<>();
            for (Binding b : model.bindings()) {
                if (!b.scope().equals(scope)) {
                    continue;
                }
                b.subjects().stream().filter(s -> s.appliesTo(user)).findFirst()
                        .ifPresent(s -> grants.addAll(all(b, s)));
            }
            if (!grants.isEmpty()) {
                out.put(scope, grants);
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
