package dev.trimtab.policy.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trimtab.policy.load.PolicyDirectory;
import dev.trimtab.policy.load.PolicyParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The API server exempts the objects that configure admission from every admission policy and
 * webhook (k8s.io/apiserver admission/plugin/webhook/predicates/rules
 * IsExemptAdmissionConfigurationResource: the request's kind, in group admissionregistration.k8s.io,
 * any version), so a catch-all policy cannot lock policy authors out. Issue 19 item 1.
 */
class AdmissionConfigurationExemptTest {

    /** Matches every resource of every group and denies every request. */
    private static final String DENY_ALL = """
            apiVersion: admissionregistration.k8s.io/v1
            kind: ValidatingAdmissionPolicy
            metadata: {name: deny-all}
            spec:
              failurePolicy: Fail
              matchConstraints:
                resourceRules: [{operations: ["*"], apiGroups: ["*"], apiVersions: ["*"], resources: ["*"], scope: "*"}]
              validations: [{expression: "false", message: "nothing passes"}]
            ---
            apiVersion: admissionregistration.k8s.io/v1
            kind: ValidatingAdmissionPolicyBinding
            metadata: {name: deny-all}
            spec: {policyName: deny-all, validationActions: [Deny]}
            """;

    /** Matches every resource and adds a label to every object. */
    private static final String LABEL_ALL_POLICY = """
            apiVersion: admissionregistration.k8s.io/v1beta1
            kind: MutatingAdmissionPolicy
            metadata: {name: label-all}
            spec:
              failurePolicy: Fail
              matchConstraints:
                resourceRules: [{operations: ["*"], apiGroups: ["*"], apiVersions: ["*"], resources: ["*"], scope: "*"}]
              mutations:
              - patchType: JSONPatch
                jsonPatch:
                  expression: "[JSONPatch{op: 'add', path: '/metadata/labels', value: {'touched': 'yes'}}]"
            """;

    private static final String LABEL_ALL_BINDING = """
            apiVersion: admissionregistration.k8s.io/v1beta1
            kind: MutatingAdmissionPolicyBinding
            metadata: {name: label-all}
            spec: {policyName: label-all}
            """;

    private static AdmissionRequest create(String group, String version, String kind, String resource) {
        Map<String, Object> object = Map.of(
                "apiVersion",
                group.isEmpty() ? version : group + "/" + version,
                "kind",
                kind,
                "metadata",
                Map.of("name", "x"));
        return new AdmissionRequest(
                "u1",
                new AdmissionRequest.Gvk(group, version, kind),
                new AdmissionRequest.Gvr(group, version, resource),
                "",
                null,
                null,
                null,
                "x",
                "",
                "CREATE",
                null,
                false,
                null,
                object,
                null);
    }

    @ParameterizedTest(name = "{0}/{1} {2}: exempt={4}")
    @CsvSource({
        // group,                       version,  kind,                               resource,
        //    exempt
        "admissionregistration.k8s.io, v1,       ValidatingAdmissionPolicy,          validatingadmissionpolicies,          true",
        "admissionregistration.k8s.io, v1,       ValidatingAdmissionPolicyBinding,   validatingadmissionpolicybindings,    true",
        "admissionregistration.k8s.io, v1beta1,  ValidatingAdmissionPolicy,          validatingadmissionpolicies,          true",
        "admissionregistration.k8s.io, v1beta1,  MutatingAdmissionPolicy,            mutatingadmissionpolicies,            true",
        "admissionregistration.k8s.io, v1alpha1, MutatingAdmissionPolicyBinding,     mutatingadmissionpolicybindings,      true",
        "admissionregistration.k8s.io, v1,       ValidatingWebhookConfiguration,     validatingwebhookconfigurations,      true",
        "admissionregistration.k8s.io, v1,       MutatingWebhookConfiguration,       mutatingwebhookconfigurations,        true",
        // the same kind names elsewhere, and other kinds of the group, are not exempt
        "policy.example.com,           v1,       ValidatingAdmissionPolicy,          validatingadmissionpolicies,          false",
        "'',                           v1,       ConfigMap,                          configmaps,                           false",
        "apps,                         v1,       Deployment,                         deployments,                          false",
    })
    void admissionConfigurationIsNeverAdmittedByPolicies(
            String group, String version, String kind, String resource, boolean exempt) throws Exception {
        AdmissionRequest request = create(group, version, kind, resource);
        PolicyDirectory.Contents validating = PolicyDirectory.read(write(DENY_ALL));
        assertThat(validating.errors()).isEmpty();
        PolicyEngine.Verdict v =
                new PolicyEngine(validating.policies(), validating.bindings()).review(request, validating.cluster());
        assertThat(v.allowed()).as("validating verdict").isEqualTo(exempt);
        assertThat(v.results())
                .as("no policy is even evaluated for an exempt kind")
                .hasSize(exempt ? 0 : 1);

        MutationEngine.Outcome m = mutating().mutate(request, validating.cluster(), false);
        assertThat(m.changed()).as("mutated").isEqualTo(!exempt);
        assertThat(m.invocations()).hasSize(exempt ? 0 : 1);
    }

    private static MutationEngine mutating() throws Exception {
        JsonNode p = PolicyDirectory.YAML.readTree(LABEL_ALL_POLICY);
        JsonNode b = PolicyDirectory.YAML.readTree(LABEL_ALL_BINDING);
        CompiledMutatingPolicy compiled = CompiledMutatingPolicy.compile(PolicyParser.mutatingPolicy(p));
        assertThat(compiled.problems()).isEmpty();
        return new MutationEngine(List.of(compiled), List.of(PolicyParser.mutatingBinding(b)));
    }

    private static Path write(String yaml) throws Exception {
        Path dir = Files.createTempDirectory("policies");
        Files.writeString(dir.resolve("all.yaml"), yaml);
        return dir;
    }
}
