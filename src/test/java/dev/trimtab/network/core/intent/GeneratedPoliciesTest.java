package dev.trimtab.network.core.intent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trimtab.kube.NameValidation;
import dev.trimtab.network.core.Direction;
import dev.trimtab.network.core.NetworkModel;
import dev.trimtab.network.core.Pod;
import dev.trimtab.network.core.Port;
import dev.trimtab.network.core.ReachabilityAnalyzer;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The NetworkPolicies IntentEnforcer writes are ones the API server accepts (the checks of
 * {@code ValidateNetworkPolicy}: names, labels, selectors, peers, ports, policyTypes; and no field
 * outside the typed model) and minimal: together they change no connection that no intent speaks
 * of. (A target-side policy is written even where a foreign policy makes it redundant today, so
 * the intent does not hang on policies Trimtab does not own.)
 */
class GeneratedPoliciesTest {
    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    static List<PolicyChange> written(List<Map<String, Object>> objects) {
        IntentPlan plan =
                IntentEnforcer.plan(objects, NetworkIntent.fromObjects(objects).intents());
        return plan.changes().stream()
                .filter(c -> c.action() != PolicyChange.Action.delete)
                .toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.trimtab.network.core.intent.IntentCasesTest#cases")
    void everyWrittenPolicyIsValid(String name, List<Map<String, Object>> objects, Map<String, Object> c) {
        for (PolicyChange change : written(objects)) {
            List<String> problems = new ArrayList<>();
            NetworkPolicy p = SERIALIZATION.unmarshal(SERIALIZATION.asJson(change.policy()), NetworkPolicy.class);
            NameValidation.dns1123Subdomain(p.getMetadata().getName())
                    .forEach(m -> problems.add("metadata.name: " + m));
            p.getMetadata().getLabels().forEach((k, v) -> {
                NameValidation.qualifiedName(k).forEach(m -> problems.add("label key " + k + ": " + m));
                NameValidation.labelValue(v).forEach(m -> problems.add("label " + k + ": " + m));
            });
            assertThat(p.getSpec().getAdditionalProperties())
                    .as("spec fields outside the model")
                    .isEmpty();
            assertThat(p.getSpec().getPodSelector())
                    .as("spec.podSelector is required")
                    .isNotNull();
            selector(p.getSpec().getPodSelector(), "spec.podSelector", problems);
            List<String> types = p.getSpec().getPolicyTypes();
            assertThat(types)
                    .as("policyTypes")
                    .isNotEmpty()
                    .doesNotHaveDuplicates()
                    .isSubsetOf("Ingress", "Egress");
            for (int i = 0; i < p.getSpec().getIngress().size(); i++) {
                var rule = p.getSpec().getIngress().get(i);
                assertThat(rule.getAdditionalProperties()).isEmpty();
                peers(rule.getFrom(), "spec.ingress[" + i + "].from", problems);
                ports(rule.getPorts(), "spec.ingress[" + i + "].ports", problems);
            }
            for (int i = 0; i < p.getSpec().getEgress().size(); i++) {
                var rule = p.getSpec().getEgress().get(i);
                assertThat(rule.getAdditionalProperties()).isEmpty();
                peers(rule.getTo(), "spec.egress[" + i + "].to", problems);
                ports(rule.getPorts(), "spec.egress[" + i + "].ports", problems);
            }
            assertThat(NetworkModel.fromObjects(List.of(change.policy())).errors())
                    .as(change.key())
                    .isEmpty();
            assertThat(problems).as(change.key()).isEmpty();
        }
    }

    /** An intent name as long as the API allows gives valid, distinct policy names and labels. */
    @Test
    @SuppressWarnings("unchecked")
    void longIntentNamesGiveValidNamesAndLabels() throws Exception {
        List<Map<String, Object>> base =
                IntentData.list(IntentData.load("cases.yaml").get("base"));
        String longName = "a".repeat(120) + "." + "b".repeat(120);
        List<String> names = new ArrayList<>();
        for (String name : List.of(longName, longName + "c")) {
            List<Map<String, Object>> objects = new ArrayList<>(base);
            objects.add(IntentData.YAML.readValue(
                    "{apiVersion: trimtab.dev/v1alpha1, kind: NetworkIntent, metadata: {name: "
                            + name
                            + "}, spec: {mode: Enforce, rules: [{onlyFrom: {to: {podSelector: {matchLabels: {app: web}}}, "
                            + "port: 9090, from: [{namespaceSelector: {}}]}}]}}",
                    Map.class));
            for (PolicyChange c : written(objects)) {
                Map<?, ?> meta = (Map<?, ?>) c.policy().get("metadata");
                assertThat(NameValidation.dns1123Subdomain((String) meta.get("name")))
                        .as("%s", meta.get("name"))
                        .isEmpty();
                String label = (String) ((Map<?, ?>) meta.get("labels")).get("trimtab.dev/intent");
                assertThat(NameValidation.labelValue(label)).as(label).isEmpty();
                names.add((String) meta.get("name"));
            }
        }
        assertThat(names).hasSize(4).doesNotHaveDuplicates();
    }

    static void selector(LabelSelector s, String path, List<String> problems) {
        if (s == null) {
            return;
        }
        if (s.getMatchLabels() != null) {
            s.getMatchLabels().forEach((k, v) -> {
                NameValidation.qualifiedName(k).forEach(m -> problems.add(path + ".matchLabels " + k + ": " + m));
                NameValidation.labelValue(v).forEach(m -> problems.add(path + ".matchLabels " + k + ": " + m));
            });
        }
        if (s.getMatchExpressions() != null) {
            s.getMatchExpressions().forEach(e -> {
                NameValidation.qualifiedName(e.getKey()).forEach(m -> problems.add(path + ".matchExpressions: " + m));
                boolean withValues = Set.of("In", "NotIn").contains(e.getOperator());
                if (!Set.of("In", "NotIn", "Exists", "DoesNotExist").contains(e.getOperator())
                        || withValues == (e.getValues() == null || e.getValues().isEmpty())) {
                    problems.add(
                            path + ".matchExpressions: operator " + e.getOperator() + " with values " + e.getValues());
                }
            });
        }
    }

    static void peers(List<NetworkPolicyPeer> peers, String path, List<String> problems) {
        for (int i = 0; i < peers.size(); i++) {
            NetworkPolicyPeer peer = peers.get(i);
            boolean selectors = peer.getPodSelector() != null || peer.getNamespaceSelector() != null;
            if (selectors == (peer.getIpBlock() != null)) {
                problems.add(path + "[" + i + "]: want exactly one of ipBlock or selectors");
            }
            selector(peer.getPodSelector(), path + "[" + i + "].podSelector", problems);
            selector(peer.getNamespaceSelector(), path + "[" + i + "].namespaceSelector", problems);
        }
    }

    static void ports(List<NetworkPolicyPort> ports, String path, List<String> problems) {
        for (int i = 0; i < ports.size(); i++) {
            NetworkPolicyPort port = ports.get(i);
            if (port.getProtocol() != null && !Set.of("TCP", "UDP", "SCTP").contains(port.getProtocol())) {
                problems.add(path + "[" + i + "].protocol: " + port.getProtocol());
            }
            if (port.getPort() != null
                    && port.getPort().getIntVal() != null
                    && (port.getPort().getIntVal() < 1 || port.getPort().getIntVal() > 65535)) {
                problems.add(path + "[" + i + "].port: " + port.getPort().getIntVal());
            }
            if (port.getEndPort() != null
                    && (port.getPort() == null
                            || port.getPort().getIntVal() == null
                            || port.getEndPort() < port.getPort().getIntVal())) {
                problems.add(path + "[" + i + "].endPort: " + port.getEndPort());
            }
        }
    }

    /**
     * The plan changes reachability only where an Enforce intent speaks: every (source, destination,
     * port) whose answer differs after the plan is in some rule's scope (a defaultDeny namespace's
     * pods for its directions, an onlyFrom target's port, a deny rule's namespace pair). Probed: every
     * pod pair, on the destination's declared ports and 65535 on each protocol.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.trimtab.network.core.intent.IntentCasesTest#cases")
    void nothingOutsideTheIntentsChanges(String name, List<Map<String, Object>> objects, Map<String, Object> c) {
        List<NetworkIntent> enforced = NetworkIntent.fromObjects(objects).intents().stream()
                .filter(i -> i.mode() == NetworkIntent.Mode.Enforce)
                .toList();
        IntentPlan plan = IntentEnforcer.plan(objects, enforced);
        NetworkModel before = NetworkModel.fromObjects(objects);
        NetworkModel after = NetworkModel.fromObjects(IntentData.apply(objects, plan.changes()));
        ReachabilityAnalyzer was = new ReachabilityAnalyzer(before);
        ReachabilityAnalyzer is = new ReachabilityAnalyzer(after);
        List<String> outside = new ArrayList<>();
        for (Pod from : before.pods()) {
            for (Pod to : before.pods()) {
                for (Port port : IntentChecker.probePorts(to)) {
                    if (!from.equals(to)
                            && was.canReach(from, to, port).reachable()
                                    != is.canReach(from, to, port).reachable()
                            && enforced.stream()
                                    .noneMatch(i ->
                                            i.rules().stream().anyMatch(r -> inScope(before, r, from, to, port)))) {
                        outside.add(from.namespace() + "/" + from.name() + " -> " + to.namespace() + "/" + to.name()
                                + " " + port);
                    }
                }
            }
        }
        assertThat(outside).as("reachability changed outside every intent").isEmpty();
    }

    static boolean inScope(NetworkModel model, IntentRule rule, Pod from, Pod to, Port port) {
        if (rule instanceof IntentRule.DefaultDeny d) {
            return d.directions().contains(Direction.Ingress)
                            && d.namespaceSelector().matches(model.namespaceLabels(to.namespace()))
                    || d.directions().contains(Direction.Egress)
                            && d.namespaceSelector().matches(model.namespaceLabels(from.namespace()));
        }
        if (rule instanceof IntentRule.OnlyFrom o) {
            return Selection.targets(model, o).contains(to) && o.port().equals(port);
        }
        IntentRule.Deny d = (IntentRule.Deny) rule;
        return d.fromNamespaces().matches(model.namespaceLabels(from.namespace()))
                && d.toNamespaces().matches(model.namespaceLabels(to.namespace()));
    }
}
