package dev.trimtab.policy.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trimtab.policy.admission.AdmissionReviews;
import dev.trimtab.policy.load.ObjectCluster;
import dev.trimtab.policy.load.PolicyDirectory;
import dev.trimtab.policy.load.PolicyParser;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code matchPolicy: Equivalent} end to end: a request made through one version of a resource is
 * seen by a policy that names another version in that version (object converted, {@code request.kind}
 * and {@code resource} the matched ones, {@code requestKind} the original), as the API server's
 * ValidatingAdmissionPolicy and MutatingAdmissionPolicy plugins do; a conversion Trimtab cannot make
 * fails by the policy's failurePolicy. Issue 19 item 3.
 */
class EquivalentMatchingTest {
    /** A CRD served in v2 (stored) and v1, conversion None. */
    static final String CRD = """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: crontabs.stable.example.com}
            spec:
              group: stable.example.com
              names: {plural: crontabs, singular: crontab, kind: CronTab}
              scope: Namespaced
              versions:
              - {name: v2, served: true, storage: true, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}
              - {name: v1, served: true, storage: false, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}
            ---
            """;

    static String policy(
            String name, String matchPolicy, String group, String version, String resource, String failurePolicy) {
        return """
                apiVersion: admissionregistration.k8s.io/v1
                kind: ValidatingAdmissionPolicy
                metadata: {name: %s}
                spec:
                  failurePolicy: %s
                  matchConstraints:
                    matchPolicy: %s
                    resourceRules: [{operations: ["*"], apiGroups: ["%s"], apiVersions: ["%s"], resources: ["%s"]}]
                  validations:
                  - expression: "object.spec.replicas <= 5"
                    messageExpression: "object.apiVersion + ' ' + request.kind.version + '/' + request.resource.version + ' from ' + request.requestKind.version + '/' + request.requestResource.version"
                ---
                """.formatted(name, failurePolicy, matchPolicy, group, version, resource)
                + PolicyEngineTest.binding(name + "-b", name, "Deny", "");
    }

    static String review(String group, String version, String kind, String resource, String object) {
        String apiVersion = group.isEmpty() ? version : group + "/" + version;
        return "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u1\","
                + "\"kind\":{\"group\":\"" + group + "\",\"version\":\"" + version + "\",\"kind\":\"" + kind + "\"},"
                + "\"resource\":{\"group\":\"" + group + "\",\"version\":\"" + version + "\",\"resource\":\"" + resource
                + "\"},\"name\":\"c\",\"namespace\":\"shop\",\"operation\":\"CREATE\",\"userInfo\":{\"username\":\"alice\"},"
                + "\"object\":{\"apiVersion\":\"" + apiVersion + "\",\"kind\":\"" + kind + "\","
                + "\"metadata\":{\"name\":\"c\",\"namespace\":\"shop\"}," + object + "}}}";
    }

    static final String V1_CRONTAB =
            review("stable.example.com", "v1", "CronTab", "crontabs", "\"spec\":{\"replicas\":9}");

    @Test
    void aPolicyNamingV2SeesAV1RequestAsV2() throws Exception {
        PolicyEngineTest.Setup s = PolicyEngineTest.setup(
                CRD + policy("v2-only", "Equivalent", "stable.example.com", "v2", "crontabs", "Fail"));
        PolicyEngine.Verdict v = s.review(V1_CRONTAB);
        assertThat(v.allowed()).isFalse();
        assertThat(v.message()).endsWith("denied request: stable.example.com/v2 v2/v2 from v1/v1");
    }

    @Test
    void exactDoesNotMatchAnotherVersion() throws Exception {
        PolicyEngineTest.Setup s = PolicyEngineTest.setup(
                CRD + policy("v2-only", "Exact", "stable.example.com", "v2", "crontabs", "Fail"));
        assertThat(s.review(V1_CRONTAB).allowed()).isTrue();
        assertThat(s.review(review("stable.example.com", "v2", "CronTab", "crontabs", "\"spec\":{\"replicas\":9}"))
                        .message())
                .endsWith("denied request: stable.example.com/v2 v2/v2 from v2/v2");
    }

    @Test
    void withoutTheCrdNothingIsKnownToBeEquivalent() throws Exception {
        PolicyEngineTest.Setup s =
                PolicyEngineTest.setup(policy("v2-only", "Equivalent", "stable.example.com", "v2", "crontabs", "Fail"));
        assertThat(s.review(V1_CRONTAB).allowed()).isTrue();
    }

    @Test
    void aConversionTrimtabCannotMakeFailsByTheFailurePolicy() throws Exception {
        String hpaV1 = review(
                "autoscaling",
                "v1",
                "HorizontalPodAutoscaler",
                "horizontalpodautoscalers",
                "\"spec\":{\"maxReplicas\":3}");
        PolicyEngine.Verdict fail = PolicyEngineTest.setup(
                        policy("hpa-v2", "Equivalent", "autoscaling", "v2", "horizontalpodautoscalers", "Fail"))
                .review(hpaV1);
        assertThat(fail.allowed()).isFalse();
        assertThat(fail.message())
                .endsWith("ValidatingAdmissionPolicy 'hpa-v2' with binding 'hpa-v2-b' denied request: "
                        + "failed to configure binding: failed to convert object version: Trimtab cannot convert autoscaling/v1 "
                        + "HorizontalPodAutoscaler to autoscaling/v2 HorizontalPodAutoscaler (that conversion is the API server's "
                        + "or a conversion webhook's)");
        assertThat(PolicyEngineTest.setup(policy(
                                "hpa-v2", "Equivalent", "autoscaling", "v2", "horizontalpodautoscalers", "Ignore"))
                        .review(hpaV1)
                        .allowed())
                .isTrue();
        assertThat(PolicyEngineTest.setup(
                                policy("hpa-v2", "Exact", "autoscaling", "v2", "horizontalpodautoscalers", "Fail"))
                        .review(hpaV1)
                        .allowed())
                .as("Exact: not matched, nothing to convert")
                .isTrue();
    }

    @Test
    void aMutationOnTheMatchedVersionComesBackInTheRequestsVersion() throws Exception {
        CompiledMutatingPolicy p =
                CompiledMutatingPolicy.compile(PolicyParser.mutatingPolicy(PolicyDirectory.YAML.readTree("""
                apiVersion: admissionregistration.k8s.io/v1beta1
                kind: MutatingAdmissionPolicy
                metadata: {name: cap}
                spec:
                  matchConstraints:
                    resourceRules: [{operations: ["*"], apiGroups: ["stable.example.com"], apiVersions: ["v2"], resources: ["crontabs"]}]
                  mutations:
                  - patchType: JSONPatch
                    jsonPatch:
                      expression: >-
                        [JSONPatch{op: "replace", path: "/spec/replicas", value: 5},
                         JSONPatch{op: "add", path: "/metadata/labels", value: {"seen-as": object.apiVersion}}]
                """)));
        MutatingBinding b = PolicyParser.mutatingBinding(PolicyDirectory.YAML.readTree("""
                apiVersion: admissionregistration.k8s.io/v1beta1
                kind: MutatingAdmissionPolicyBinding
                metadata: {name: cap-b}
                spec: {policyName: cap}
                """));
        ObjectCluster cluster =
                new ObjectCluster(List.of(PolicyDirectory.YAML.readValue(CRD.replace("---", ""), Map.class)));
        MutationEngine.Outcome m = new MutationEngine(List.of(p), List.of(b))
                .mutate(AdmissionReviews.request(AdmissionReviews.JSON.readTree(V1_CRONTAB)), cluster, false);
        assertThat(m.allowed()).isTrue();
        assertThat(m.object())
                .containsEntry("apiVersion", "stable.example.com/v1")
                .containsEntry("spec", Map.of("replicas", 5L));
        assertThat(m.object().get("metadata"))
                .isEqualTo(
                        Map.of("name", "c", "namespace", "shop", "labels", Map.of("seen-as", "stable.example.com/v2")));
        assertThat(m.patch())
                .extracting(op -> op.get("path"))
                .containsExactlyInAnyOrder("/spec/replicas", "/metadata/labels");
    }
}
