package dev.trimtab.network.core.intent;

import dev.trimtab.kube.LabelSelector;
import dev.trimtab.network.core.NetworkModel;
import dev.trimtab.network.core.Pod;
import java.util.List;

/** Which namespaces and pods an intent rule is about. Namespaces in name order, pods in model order. */
final class Selection {
    private Selection() {}

    static List<String> namespaces(NetworkModel model, LabelSelector selector) {
        return model.namespaces().keySet().stream()
                .sorted()
                .filter(n -> selector == null || selector.matches(model.namespaceLabels(n)))
                .toList();
    }

    static List<Pod> podsIn(NetworkModel model, LabelSelector namespaceSelector) {
        return model.pods().stream()
                .filter(p -> namespaceSelector.matches(model.namespaceLabels(p.namespace())))
                .toList();
    }

    static List<Pod> targets(NetworkModel model, IntentRule.OnlyFrom rule) {
        return model.pods().stream()
                .filter(p -> rule.namespaceSelector() == null
                        || rule.namespaceSelector().matches(model.namespaceLabels(p.namespace())))
                .filter(p -> rule.podSelector().matches(p.labels()))
                .toList();
    }

    /** Whether {@code pod} is one of the rule's sources for a target in {@code targetNamespace}. */
    static boolean isSource(NetworkModel model, IntentRule.OnlyFrom rule, Pod pod, String targetNamespace) {
        return rule.from().stream().anyMatch(s -> isSource(model, s, pod, targetNamespace));
    }

    static boolean isSource(NetworkModel model, IntentRule.Source s, Pod pod, String targetNamespace) {
        boolean ns = s.namespaceSelector() == null
                ? pod.namespace().equals(targetNamespace)
                : s.namespaceSelector().matches(model.namespaceLabels(pod.namespace()));
        return ns && (s.podSelector() == null || s.podSelector().matches(pod.labels()));
    }

    static List<Pod> dnsPods(NetworkModel model) {
        return model.pods().stream()
                .filter(p -> p.namespace().equals(IntentRule.DefaultDeny.DNS_NAMESPACE)
                        && IntentRule.DefaultDeny.DNS_POD_LABEL.equals(
                                p.labels().get(IntentRule.DefaultDeny.DNS_POD_LABEL_KEY)))
                .toList();
    }
}
