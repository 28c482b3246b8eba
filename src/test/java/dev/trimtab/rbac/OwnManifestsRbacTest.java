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
                .as("escalation findings of k8s-manifests/ (narrow the role that holds them)")
                .isEmpty();
    }

    @Test
    void onlyThePlacementFunctionBindsPodsAndNobodyReadsSecrets() throws Exception {
        Authorizer a = new Authorizer(model());
        assertThat(a.whoCan(AccessRequest.resource("create", "", "pods", "binding", "web", "shop")))
                .extracting(g -> g.subject().name())
                .containsExactly("trimtab-placement");
        assertThat(a.whoCan(AccessRequest.resource("get", "", "secrets", "", "", "shop")))
                .isEmpty();
        // remediation's workload patches are opt-in (k8s-manifests/opt-in/policy-remediation-rbac.yaml: a
        // ClusterRole that grants nothing until a RoleBinding names a namespace)
        assertThat(a.whoCan(AccessRequest.resource("patch", "apps", "deployments", "", "web", "shop")))
                .isEmpty();
        assertThat(a.whoCan(AccessRequest.resource("patch", "apps", "daemonsets", "", "kube-proxy", "kube-system")))
                .isEmpty();
    }

    @Test
    void configMapsAreReadByNameOnlyAndOnlyWhereAPolicyNamesThem() throws Exception {
        Authorizer a = new Authorizer(model());
        assertThat(a.whoCan(AccessRequest.resource("list", "", "configmaps", "", "", "shop")))
                .isEmpty();
        assertThat(a.whoCan(AccessRequest.resource("get", "", "configmaps", "", "kube-root-ca.crt", "shop")))
                .isEmpty();
        assertThat(a.whoCan(AccessRequest.resource("get", "", "configmaps", "", "replica-ceiling", "shop")))
                .extracting(SubjectGrants::subject)
                .extracting(s -> s.name())
                .containsExactlyInAnyOrder("trimtab-policy", "trimtab-autoscaler");
    }

    @Test
    void theAccessRolesGrantOnlyTheSchedulerItsExtenderAndNobodyTheQuestions() throws Exception {
        Authorizer a = new Authorizer(model());
        assertThat(a.whoCan(AccessRequest.resource("create", "query.trimtab.dev", "placement", "filter", "", "")))
                .extracting(g -> g.subject().name())
                .containsExactly("system:kube-scheduler");
        // k8s-manifests/base/access/roles.yaml: defined, bound by the platform team to whom it chooses
        assertThat(a.whoCan(AccessRequest.resource("get", "query.trimtab.dev", "rbac", "escalations", "", "")))
                .isEmpty();
        assertThat(a.whoCan(AccessRequest.resource("get", "query.trimtab.dev", "network", "matrix", "", "shop")))
                .isEmpty();
    }
}
