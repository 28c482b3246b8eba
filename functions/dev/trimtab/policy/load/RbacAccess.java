package dev.trimtab.policy.load;

import dev.trimtab.policy.core.AccessChecker;
import dev.trimtab.rbac.core.AccessRequest;
import dev.trimtab.rbac.core.Answer;
import dev.trimtab.rbac.core.Authorizer;
import dev.trimtab.rbac.core.RbacModel;
import dev.trimtab.rbac.core.UserInfo;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The CEL {@code authorizer} answered from RBAC objects (Roles, ClusterRoles, their bindings,
 * aggregation included) with the RBAC authorizer's semantics. RBAC only allows: a request no rule
 * grants is {@code noOpinion} (the API server's chain would then ask the next authorizer), and the
 * reason names the granting binding, as the RBAC authorizer's reason does.
 */
public final class RbacAccess implements AccessChecker {
    private final Supplier<Authorizer> authorizer;

    /** @param authorizer the current RBAC authorizer (a live view changes it as RBAC objects change) */
    public RbacAccess(Supplier<Authorizer> authorizer) {
        this.authorizer = authorizer;
    }

    /** From any objects: those that are not RBAC are ignored. */
    public static RbacAccess of(List<Map<String, Object>> objects) {
        Authorizer a = new Authorizer(RbacModel.fromObjects(objects));
        return new RbacAccess(() -> a);
    }

    @Override
    public Decision check(
            String user,
            List<String> groups,
            String verb,
            String apiGroup,
            String resource,
            String subresource,
            String namespace,
            String name,
            String path) {
        AccessRequest request = path != null
                ? AccessRequest.nonResource(verb, path)
                : AccessRequest.resource(verb, apiGroup, resource, subresource, name, namespace);
        Answer a = authorizer.get().canI(new UserInfo(user, groups), request);
        if (!a.allowed()) {
            return new Decision("noOpinion", "", null);
        }
        var g = a.grants().get(0);
        return new Decision(
                "allow", "RBAC: allowed by " + g.binding() + " of " + g.role() + " to " + g.subject(), null);
    }
}
