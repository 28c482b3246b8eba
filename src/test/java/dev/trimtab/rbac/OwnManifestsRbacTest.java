package dev.trimtab.rbac;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trimtab.kube.Manifests;
import dev.trimtab.rbac.core.AccessRequest;
import dev.trimtab.rbac.core.Authorizer;
import dev.trimtab.rbac.core.EscalationFinder;
import dev.trimtab.rbac.core.RbacModel;
import dev.trimtab.rbac.core.SubjectGrants;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Trimtab's own deployment manifests, through its own RBAC analysis: no escalation path, least privilege. */
class OwnManifestsRbacTest {
    static RbacModel model() throws Exception {
        Manifests.Contents c = Manifests.read(Path.of("k8s-manifests"));
        assertThat(c.errors()).isEmpty();
        RbacModel model = RbacModel.fromObjects(c.objects());
        assertThat(model.errors()).isEmpty();
        return model;
    }

    @Test
    void noFunctionOpensAnEscalationPath() throws Exception {
        // patch on deployments/statefulsets/daemonsets is WorkloadCreation (a changed pod template runs
        // new code as any service account of the namespace): a role granting it fails here until narrowed
        assertThat(new EscalationFinder(model()).find())
                .as("escalation findings of k8s-manifests/ (narrow the role that holds them)").isEmpty();
    }

    @Test
    void onlyThePlacementFunctionBindsPodsAndNobodyReadsSecrets() throws Exception {
        Authorizer a = new Authorizer(model());
        assertThat(a.whoCan(AccessRequest.resource("create", "", "pods", "binding", "web", "shop")))
                .extracting(g -> g.subject().name()).containsExactly("trimtab-placement");
        assertThat(a.whoCan(AccessRequest.resource("get", "", "secrets", "", "", "shop"))).isEmpty();
        assertThat(a.whoCan(AccessRequest.resource("patch", "apps", "deployments", "", "web", "shop")))
                .extracting(SubjectGrants::subject).extracting(s -> s.name()).containsExactly("trimtab-policy");
    }
}
