package dev.trimtab.policy.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trimtab.policy.load.ObjectCluster;
import dev.trimtab.policy.load.PolicyDirectory;
import dev.trimtab.policy.load.PolicyParser;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** MutatingAdmissionPolicy at admission: JSONPatch, ApplyConfiguration, errors, params, reinvocation. */
class MutationEngineTest {
    private static final String DEPLOYMENTS = """
              matchConstraints:
                resourceRules:
                - apiGroups: ["apps"]
                  apiVersions: ["v1"]
                  operations: ["CREATE", "UPDATE"]
                  resources: ["deployments"]
            """;

    private static MutationEngine engine(String... docs) throws Exception {
        return engine(false, docs);
    }

    /** With {@code strict}, a policy with problems throws them, so a test can read them all. */
    private static MutationEngine engine(boolean strict, String... docs) throws Exception {
        PolicyDirectory.Contents c = PolicyDirectory.Contents.empty();
        for (String d : docs) {
            JsonNode n = PolicyDirectory.YAML.readTree(d);
            if (n.path("kind").asText().equals("MutatingAdmissionPolicy")) {
                CompiledMutatingPolicy p = CompiledMutatingPolicy.compile(PolicyParser.mutatingPolicy(n));
                if (strict && !p.problems().isEmpty()) {
                    throw new InvalidPolicyException("MutatingAdmissionPolicy", p.name(), p.problems());
                }
                c.mutatingPolicies().add(p);
            } else {
                c.mutatingBindings().add(PolicyParser.mutatingBinding(n));
            }
        }
        return new MutationEngine(c.mutatingPolicies(), c.mutatingBindings());
    }

    private static String policy(String name, String extra, String mutations) {
        return "apiVersion: admissionregistration.k8s.io/v1beta1\nkind: MutatingAdmissionPolicy\nmetadata: {name: "
                + name + "}\nspec:\n" + DEPLOYMENTS + extra + "  mutations:\n" + mutations;
    }

    private static String binding(String policy) {
        return "apiVersion: admissionregistration.k8s.io/v1beta1\nkind: MutatingAdmissionPolicyBinding\nmetadata: {name: "
                + policy + "-binding}\nspec: {policyName: " + policy + "}\n";
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> deployment(String json) throws Exception {
        return PolicyDirectory.YAML.readValue(json, Map.class);
    }

    private static AdmissionRequest create(Map<String, Object> object) {
        return new AdmissionRequest(
                "u1",
                new AdmissionRequest.Gvk("apps", "v1", "Deployment"),
                new AdmissionRequest.Gvr("apps", "v1", "deployments"),
                "",
                null,
                null,
                null,
                "web",
                "shop",
                "CREATE",
                null,
                false,
                null,
                object,
                null);
    }

    private static final PolicyEngine.Cluster EMPTY = new ObjectCluster(List.of(
            Map.of(
                    "apiVersion",
                    "v1",
                    "kind",
                    "Namespace",
                    "metadata",
                    Map.of("name", "shop", "labels", Map.of("tier", "web"))),
            Map.of(
                    "apiVersion",
                    "v1",
                    "kind",
                    "ConfigMap",
                    "metadata",
                    Map.of("name", "defaults", "namespace", "shop"),
                    "data",
                    Map.of("team", "payments"))));

    private static final String WEB = """
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"shop","labels":{"app":"web"}},
             "spec":{"replicas":1,"template":{"spec":{"containers":[{"name":"app","image":"shop/web:1"},{"name":"log","image":"log:2"}]}}}}
            """;

    @Test
    void jsonPatchAddsAndAnswersWithThePatchFromTheOriginal() throws Exception {
        MutationEngine e = engine(policy("label", "", """
                  - patchType: JSONPatch
                    jsonPatch:
                      expression: >
                        [JSONPatch{op: 'add', path: '/metadata/labels/' + jsonpatch.escapeKey('trimtab.dev/owner'), value: 'platform'},
                         JSONPatch{op: 'replace', path: '/spec/replicas', value: object.spec.replicas + 2}]
                """), binding("label"));
        MutationEngine.Outcome o = e.mutate(create(deployment(WEB)), EMPTY, false);
        assertThat(o.allowed()).isTrue();
        assertThat(o.patch())
                .containsExactly(
                        Map.of("op", "add", "path", "/metadata/labels/trimtab.dev~1owner", "value", "platform"),
                        Map.of("op", "replace", "path", "/spec/replicas", "value", 3L));
        assertThat(((Map<?, ?>) o.object().get("spec")).get("replicas")).isEqualTo(3L);
        assertThat(o.invocations())
                .containsExactly(new MutationEngine.Invocation("label", "label-binding", true, null));
    }

    @Test
    @SuppressWarnings("unchecked")
    void applyConfigurationMergesMapsAndKeyedLists() throws Exception {
        MutationEngine e = engine(policy("sidecar", "", """
                  - patchType: ApplyConfiguration
                    applyConfiguration:
                      expression: >
                        Object{spec: Object.spec{template: Object.spec.template{spec: Object.spec.template.spec{
                          containers: [Object.spec.template.spec.containers{name: 'log', image: 'log:3'},
                                       Object.spec.template.spec.containers{name: 'proxy', image: 'envoy:1'}]}}}}
                """), binding("sidecar"));
        MutationEngine.Outcome o = e.mutate(create(deployment(WEB)), EMPTY, false);
        List<Map<String, Object>> containers = (List<Map<String, Object>>) ((Map<String, Object>)
                        ((Map<String, Object>) ((Map<String, Object>) o.object().get("spec")).get("template"))
                                .get("spec"))
                .get("containers");
        assertThat(containers)
                .extracting(c -> c.get("name") + "=" + c.get("image"))
                .containsExactly("app=shop/web:1", "log=log:3", "proxy=envoy:1");
        assertThat(o.patch())
                .hasSize(1)
                .first()
                .satisfies(op -> assertThat(op.get("path")).isEqualTo("/spec/template/spec/containers"));
    }

    @Test
    void mutationsSeeEachOthersResultsAndParamsAndNamespace() throws Exception {
        MutationEngine e = engine(policy("team", """
                  paramKind: {apiVersion: v1, kind: ConfigMap}
                  variables:
                  - name: team
                    expression: params.data.team + '-' + namespaceObject.metadata.labels.tier
                """, """
                  - patchType: JSONPatch
                    jsonPatch:
                      expression: "[JSONPatch{op: 'add', path: '/metadata/labels/team', value: variables.team}]"
                  - patchType: JSONPatch
                    jsonPatch:
                      expression: "[JSONPatch{op: 'add', path: '/metadata/annotations', value: {'seen': object.metadata.labels.team}}]"
                """), """
                apiVersion: admissionregistration.k8s.io/v1beta1
                kind: MutatingAdmissionPolicyBinding
                metadata: {name: team-binding}
                spec:
                  policyName: team
                  paramRef: {name: defaults, parameterNotFoundAction: Deny}
                """);
        MutationEngine.Outcome o = e.mutate(create(deployment(WEB)), EMPTY, false);
        assertThat(o.allowed()).as(o.message()).isTrue();
        assertThat(o.object().get("metadata"))
                .isEqualTo(Map.of(
                        "name",
                        "web",
                        "namespace",
                        "shop",
                        "labels",
                        Map.of("app", "web", "team", "payments-web"),
                        "annotations",
                        Map.of("seen", "payments-web")));
    }

    @Test
    void aPatchThatCannotApplyDeniesUnderFailAndIsSkippedUnderIgnore() throws Exception {
        String bad = """
                  - patchType: JSONPatch
                    jsonPatch:
                      expression: "[JSONPatch{op: 'add', path: '/spec/missing/deeper', value: 1}]"
                """;
        MutationEngine.Outcome denied =
                engine(policy("bad", "", bad), binding("bad")).mutate(create(deployment(WEB)), EMPTY, false);
        assertThat(denied.allowed()).isFalse();
        assertThat(denied.code()).isEqualTo(403);
        assertThat(denied.reason()).isEqualTo("Invalid");
        assertThat(denied.message())
                .isEqualTo("policy 'bad' with binding 'bad-binding' denied request: JSONPatch: "
                        + "add operation does not apply: doc is missing path: \"/spec/missing/deeper\": missing value");
        MutationEngine.Outcome ignored = engine(policy("bad", "  failurePolicy: Ignore\n", bad), binding("bad"))
                .mutate(create(deployment(WEB)), EMPTY, false);
        assertThat(ignored.allowed()).isTrue();
        assertThat(ignored.patch()).isEmpty();
    }

    @Test
    void aFailingTestOperationLeavesTheObjectAsItWas() throws Exception {
        MutationEngine e = engine(policy("guarded", "", """
                  - patchType: JSONPatch
                    jsonPatch:
                      expression: "[JSONPatch{op: 'test', path: '/spec/replicas', value: 5}, JSONPatch{op: 'replace', path: '/spec/replicas', value: 6}]"
                """), binding("guarded"));
        MutationEngine.Outcome o = e.mutate(create(deployment(WEB)), EMPTY, false);
        assertThat(o.allowed()).isTrue();
        assertThat(o.patch()).isEmpty();
    }

    @Test
    void matchConditionsDecideOnTheObjectMutatedSoFar() throws Exception {
        MutationEngine e = engine(
                policy("a-label", "", """
                  - patchType: JSONPatch
                    jsonPatch:
                      expression: "[JSONPatch{op: 'add', path: '/metadata/labels/stage', value: 'one'}]"
                """), binding("a-label"),
                policy("b-follow", """
                  matchConditions:
                  - name: labelled
                    expression: "has(object.metadata.labels.stage)"
                """, """
                  - patchType: JSONPatch
                    jsonPatch:
                      expression: "[JSONPatch{op: 'add', path: '/metadata/labels/second', value: object.metadata.labels.stage}]"
                """), binding("b-follow"));
        MutationEngine.Outcome o = e.mutate(create(deployment(WEB)), EMPTY, false);
        assertThat(((Map<?, ?>) o.object().get("metadata")).get("labels"))
                .isEqualTo(Map.of("app", "web", "stage", "one", "second", "one"));
    }

    @Test
    void ifNeededPoliciesRunAgainAfterALaterChange() throws Exception {
        MutationEngine e = engine(
                policy("a-count", "  reinvocationPolicy: IfNeeded\n", """
                  - patchType: JSONPatch
                    jsonPatch:
                      expression: "[JSONPatch{op: 'add', path: '/metadata/annotations', value: {'labels': string(size(object.metadata.labels))}}]"
                """), binding("a-count"),
                policy("b-label", "", """
                  - patchType: JSONPatch
                    jsonPatch:
                      expression: "[JSONPatch{op: 'add', path: '/metadata/labels/extra', value: 'x'}]"
                """), binding("b-label"));
        MutationEngine.Outcome o = e.mutate(create(deployment(WEB)), EMPTY, false);
        assertThat(((Map<?, ?>) o.object().get("metadata")).get("annotations")).isEqualTo(Map.of("labels", "2"));
        assertThat(o.invocations())
                .extracting(MutationEngine.Invocation::policy)
                .containsExactly("a-count", "b-label", "a-count");
    }

    @Test
    void compileErrorsNameTheFieldAndTheLiteralAndFailWhatThePolicyMatches() throws Exception {
        String broken = """
                  - patchType: JSONPatch
                    jsonPatch:
                      expression: "object.spec.replicas +"
                """;
        CompiledMutatingPolicy p = CompiledMutatingPolicy.compile(
                PolicyParser.mutatingPolicy(PolicyDirectory.YAML.readTree(policy("broken", "", broken))));
        assertThat(p.problems())
                .singleElement()
                .asString()
                .startsWith("spec.mutations[0].jsonPatch.expression: " + "compilation failed: line 1, column");
        MutationEngine.Outcome denied =
                engine(policy("broken", "", broken), binding("broken")).mutate(create(deployment(WEB)), EMPTY, false);
        assertThat(denied.allowed()).isFalse();
        assertThat(denied.message())
                .startsWith("policy 'broken' with binding 'broken-binding' denied request: "
                        + "compilation error: compilation failed: ERROR: <input>:1:");
        assertThat(engine(policy("broken", "  failurePolicy: Ignore\n", broken), binding("broken"))
                        .mutate(create(deployment(WEB)), EMPTY, false)
                        .allowed())
                .isTrue();

        assertThatThrownBy(() -> engine(true, policy("broken", "", """
                  - patchType: JSONPatch
                    jsonPatch:
                      expression: "[JSONPatch{op: 'add', pth: '/x', value: 1}]"
                  - patchType: ApplyConfiguration
                    applyConfiguration:
                      expression: "Object{spec: Object.spec{selector: Object.spec.wrong{}}}"
                  - patchType: JSONPatch
                    jsonPatch:
                      expression: "'not a patch'"
                """)))
                .isInstanceOf(InvalidPolicyException.class)
                .hasMessageContaining("MutatingAdmissionPolicy 'broken' is invalid")
                .hasMessageContaining("spec.mutations[0].jsonPatch.expression: undefined field 'pth' of JSONPatch")
                .hasMessageContaining(
                        "spec.mutations[1].applyConfiguration.expression: type mismatch: field 'selector' of "
                                + "Object.spec is initialized with Object.spec.wrong")
                .hasMessageContaining(
                        "spec.mutations[2].jsonPatch.expression: must evaluate to a list of JSONPatch but got string");
    }

    @Test
    void remediationUsesOnlyBindingsThatAskForIt() throws Exception {
        MutationEngine e = engine(policy("label", "", """
                  - patchType: JSONPatch
                    jsonPatch:
                      expression: "[JSONPatch{op: 'add', path: '/metadata/labels/fixed', value: 'yes'}]"
                """), binding("label"));
        assertThat(e.mutate(create(deployment(WEB)), EMPTY, true).changed()).isFalse();
        assertThat(e.mutate(create(deployment(WEB)), EMPTY, false).changed()).isTrue();
    }
}
