package dev.trimtab.policy.core;

import dev.cel.bundle.CelBuilder;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.types.CelType;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelFunctionBinding;
import java.util.List;
import java.util.Map;

/**
 * The Kubernetes CEL authorizer library: the {@code authorizer} variable (checks as the request's
 * user), {@code authorizer.requestResource} (the request's own resource), and
 * {@code authorizer.serviceAccount(ns, name)}, {@code .path(p)}, {@code .group(g).resource(r)
 * .subresource(s).namespace(n).name(x)}, {@code .check(verb)} giving a decision with
 * {@code allowed()}, {@code reason()}, {@code errored()} and {@code error()}. Without an
 * {@link AccessChecker} the checks fail with an error, so the policy's failurePolicy decides.
 */
final class AuthorizerLibrary {
    static final String NOT_AVAILABLE = "no authorizer: RBAC objects are not available to this evaluation";

    /** Who asks, and who answers. */
    record Authz(AccessChecker checker, String user, List<String> groups) {}

    record PathCheck(Authz authz, String path) {}

    record GroupCheck(Authz authz, String group) {}

    record ResourceCheck(
            Authz authz, String group, String resource, String subresource, String namespace, String name) {}

    private AuthorizerLibrary() {}

    static void addTo(CelBuilder b) {
        CelType authorizer = OpaqueType.create("kubernetes.authorization.Authorizer");
        CelType path = OpaqueType.create("kubernetes.authorization.PathCheck");
        CelType group = OpaqueType.create("kubernetes.authorization.GroupCheck");
        CelType resource = OpaqueType.create("kubernetes.authorization.ResourceCheck");
        CelType decision = OpaqueType.create("kubernetes.authorization.Decision");
        b.addVar("authorizer", authorizer).addVar("authorizer.requestResource", resource);
        b.addFunctionDeclarations(
                CelFunctionDecl.newFunctionDeclaration(
                        "path",
                        CelOverloadDecl.newMemberOverload("authorizer_path", path, authorizer, SimpleType.STRING)),
                CelFunctionDecl.newFunctionDeclaration(
                        "group",
                        CelOverloadDecl.newMemberOverload("authorizer_group", group, authorizer, SimpleType.STRING)),
                CelFunctionDecl.newFunctionDeclaration(
                        "serviceAccount",
                        CelOverloadDecl.newMemberOverload(
                                "authorizer_serviceaccount",
                                authorizer,
                                authorizer,
                                SimpleType.STRING,
                                SimpleType.STRING)),
                CelFunctionDecl.newFunctionDeclaration(
                        "resource",
                        CelOverloadDecl.newMemberOverload("groupcheck_resource", resource, group, SimpleType.STRING)),
                CelFunctionDecl.newFunctionDeclaration(
                        "subresource",
                        CelOverloadDecl.newMemberOverload(
                                "resourcecheck_subresource", resource, resource, SimpleType.STRING)),
                CelFunctionDecl.newFunctionDeclaration(
                        "namespace",
                        CelOverloadDecl.newMemberOverload(
                                "resourcecheck_namespace", resource, resource, SimpleType.STRING)),
                CelFunctionDecl.newFunctionDeclaration(
                        "name",
                        CelOverloadDecl.newMemberOverload("resourcecheck_name", resource, resource, SimpleType.STRING)),
                CelFunctionDecl.newFunctionDeclaration(
                        "check",
                        CelOverloadDecl.newMemberOverload("resourcecheck_check", decision, resource, SimpleType.STRING),
                        CelOverloadDecl.newMemberOverload("pathcheck_check", decision, path, SimpleType.STRING)),
                CelFunctionDecl.newFunctionDeclaration(
                        "allowed", CelOverloadDecl.newMemberOverload("decision_allowed", SimpleType.BOOL, decision)),
                CelFunctionDecl.newFunctionDeclaration(
                        "reason", CelOverloadDecl.newMemberOverload("decision_reason", SimpleType.STRING, decision)),
                CelFunctionDecl.newFunctionDeclaration(
                        "errored", CelOverloadDecl.newMemberOverload("decision_errored", SimpleType.BOOL, decision)),
                CelFunctionDecl.newFunctionDeclaration(
                        "error", CelOverloadDecl.newMemberOverload("decision_error", SimpleType.STRING, decision)));
        b.addFunctionBindings(
                CelFunctionBinding.from("authorizer_path", Authz.class, String.class, PathCheck::new),
                CelFunctionBinding.from("authorizer_group", Authz.class, String.class, GroupCheck::new),
                CelFunctionBinding.from(
                        "authorizer_serviceaccount",
                        List.of(Authz.class, String.class, String.class),
                        args -> serviceAccount((Authz) args[0], (String) args[1], (String) args[2])),
                CelFunctionBinding.from(
                        "groupcheck_resource",
                        GroupCheck.class,
                        String.class,
                        (g, r) -> new ResourceCheck(g.authz(), g.group(), r, "", "", "")),
                CelFunctionBinding.from(
                        "resourcecheck_subresource",
                        ResourceCheck.class,
                        String.class,
                        (r, s) -> new ResourceCheck(r.authz(), r.group(), r.resource(), s, r.namespace(), r.name())),
                CelFunctionBinding.from(
                        "resourcecheck_namespace",
                        ResourceCheck.class,
                        String.class,
                        (r, n) -> new ResourceCheck(r.authz(), r.group(), r.resource(), r.subresource(), n, r.name())),
                CelFunctionBinding.from(
                        "resourcecheck_name",
                        ResourceCheck.class,
                        String.class,
                        (r, n) -> new ResourceCheck(
                                r.authz(), r.group(), r.resource(), r.subresource(), r.namespace(), n)),
                CelFunctionBinding.from(
                        "resourcecheck_check",
                        ResourceCheck.class,
                        String.class,
                        (r, verb) -> check(
                                r.authz(),
                                verb,
                                r.group(),
                                r.resource(),
                                r.subresource(),
                                r.namespace(),
                                r.name(),
                                null)),
                CelFunctionBinding.from(
                        "pathcheck_check",
                        PathCheck.class,
                        String.class,
                        (p, verb) -> check(p.authz(), verb, "", "", "", "", "", p.path())),
                CelFunctionBinding.from(
                        "decision_allowed", AccessChecker.Decision.class, AccessChecker.Decision::allowed),
                CelFunctionBinding.from(
                        "decision_reason", AccessChecker.Decision.class, AccessChecker.Decision::reason),
                CelFunctionBinding.from("decision_errored", AccessChecker.Decision.class, d -> d.error() != null),
                CelFunctionBinding.from(
                        "decision_error", AccessChecker.Decision.class, d -> d.error() == null ? "" : d.error()));
    }

    /** As the API server: the service account's user name and its groups. */
    private static Authz serviceAccount(Authz a, String namespace, String name) {
        return new Authz(
                a.checker(),
                "system:serviceaccount:" + namespace + ":" + name,
                List.of("system:serviceaccounts", "system:serviceaccounts:" + namespace, "system:authenticated"));
    }

    private static AccessChecker.Decision check(
            Authz a,
            String verb,
            String group,
            String resource,
            String subresource,
            String namespace,
            String name,
            String path) {
        if (a.checker() == null) {
            return new AccessChecker.Decision("noOpinion", "", NOT_AVAILABLE);
        }
        return a.checker().check(a.user(), a.groups(), verb, group, resource, subresource, namespace, name, path);
    }

    /** The {@code authorizer} and {@code authorizer.requestResource} values of a request. */
    static void bind(Map<String, Object> activation, AdmissionRequest r, AccessChecker checker) {
        Authz a = new Authz(checker, r.userInfo().username(), r.userInfo().groups());
        activation.put("authorizer", a);
        activation.put(
                "authorizer.requestResource",
                new ResourceCheck(
                        a, r.resource().group(), r.resource().resource(), r.subResource(), r.namespace(), r.name()));
    }
}
