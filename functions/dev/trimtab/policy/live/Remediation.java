package dev.trimtab.policy.live;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trimtab.cloudevents.CloudEvent;
import dev.trimtab.kube.Kinds;
import dev.trimtab.policy.admission.AdmissionReviews;
import dev.trimtab.policy.core.AdmissionRequest;
import dev.trimtab.policy.core.MutationEngine;
import dev.trimtab.policy.core.ReportBook;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.jboss.logging.Logger;

/**
 * Patches live objects back into compliance. When the audit finds an object failing a validation,
 * the MutatingAdmissionPolicies whose binding carries {@code trimtab.dev/remediate: "true"} are
 * run on it as an UPDATE of the object to itself; a resulting change is written as a JSON patch
 * whose first operation tests {@code metadata.resourceVersion} (optimistic concurrency: a newer
 * version makes the API reject it, and that version's own event is audited next). With
 * {@code trimtab.policy.remediation=dry-run} the patch is only shown; {@code off} disables it.
 * Nothing is patched while the cluster's policies are not yet in force (counted with outcome
 * {@code held}; the audit holds its events then and remediates once they are).
 *
 * <p>Each attempt is a {@code dev.trimtab.policy.remediation} CloudEvent on
 * {@code trimtab.policy-events} (the object, the policies that changed it, the patch, the mode and
 * the outcome) and an entry of the object's PolicyReport ({@code rule: remediation}: {@code pass}
 * applied, {@code skip} dry-run, {@code error} rejected).
 */
@ApplicationScoped
public class Remediation {
    private static final Logger LOG = Logger.getLogger(Remediation.class);
    static final String TYPE = "dev.trimtab.policy.remediation";

    public enum Mode {
        enforce,
        dry_run,
        off
    }

    private final LivePolicies policies;
    private final KubernetesClient client;
    private final Emitter<byte[]> events;
    private final MeterRegistry registry;
    private final Mode mode;

    @Inject
    public Remediation(
            LivePolicies policies,
            KubernetesClient client,
            @Channel("policy-events") Emitter<byte[]> events,
            MeterRegistry registry,
            @ConfigProperty(name = "trimtab.policy.remediation", defaultValue = "enforce") String mode) {
        this.policies = policies;
        this.client = client;
        this.events = events;
        this.registry = registry;
        this.mode = switch (mode) {
            case "enforce" -> Mode.enforce;
            case "dry-run" -> Mode.dry_run;
            case "off" -> Mode.off;
            default ->
                throw new IllegalArgumentException(
                        "trimtab.policy.remediation: got \"" + mode + "\", expected enforce, dry-run or off");
        };
    }

    public Mode mode() {
        return mode;
    }

    /** Remediates the object of {@code audited} (a failing CREATE or UPDATE); the report entry, if anything applied. */
    Optional<ReportBook.Entry> remediate(AdmissionRequest audited, CloudEvent trigger) {
        if (!policies.inForce()) {
            // a patch made on part of the policies could be one a policy not yet read denies (the audit holds first)
            registry.counter("trimtab_policy_remediations_total", "outcome", "held")
                    .increment();
            LOG.infof("remediation of %s/%s held: %s", audited.namespace(), audited.name(), LivePolicies.NOT_IN_FORCE);
            return Optional.empty();
        }
        AdmissionRequest update = new AdmissionRequest(
                audited.uid(),
                audited.kind(),
                audited.resource(),
                "",
                null,
                null,
                null,
                audited.name(),
                audited.namespace(),
                "UPDATE",
                audited.userInfo(),
                mode != Mode.enforce,
                null,
                audited.object(),
                audited.object());
        MutationEngine.Outcome m = policies.remediate(update);
        List<String> changedBy = m.invocations().stream()
                .filter(MutationEngine.Invocation::changed)
                .map(MutationEngine.Invocation::policy)
                .distinct()
                .toList();
        if (!m.allowed() || !m.changed()) {
            if (!m.allowed()) {
                LOG.warnf("remediation of %s/%s failed: %s", audited.namespace(), audited.name(), m.message());
            }
            return Optional.empty();
        }
        String resourceVersion = audited.object().get("metadata") instanceof Map<?, ?> meta
                        && meta.get("resourceVersion") instanceof String rv
                ? rv
                : null;
        List<Map<String, Object>> patch = new ArrayList<>();
        if (resourceVersion != null) {
            Map<String, Object> test = new LinkedHashMap<>();
            test.put("op", "test");
            test.put("path", "/metadata/resourceVersion");
            test.put("value", resourceVersion);
            patch.add(test);
        }
        patch.addAll(m.patch());
        String outcome;
        String result;
        if (mode == Mode.dry_run) {
            outcome = "dry-run";
            result = "skip";
        } else {
            try {
                String current = apply(audited, resourceVersion, patch);
                outcome = current == null ? "applied" : "conflict: the object is at resourceVersion " + current;
                result = current == null ? "pass" : "error";
            } catch (KubernetesClientException e) {
                // a newer version fails the resourceVersion test: 422 from the API server (409 for an update);
                // the fabric8 mock server answers 500 naming the test
                boolean stale = e.getCode() == 409
                        || e.getCode() == 422
                        || String.valueOf(e.getMessage()).contains("/metadata/resourceVersion");
                outcome = (stale ? "conflict: " : "rejected: ") + e.getCode() + " " + e.getMessage();
                result = "error";
            }
        }
        registry.counter("trimtab_policy_remediations_total", "outcome", outcome.replaceAll(":.*", ""))
                .increment();
        String patchText = AdmissionReviews.JSON.valueToTree(m.patch()).toString();
        LOG.infof(
                "remediation of %s %s/%s by %s: %s %s",
                audited.kind().kind(), audited.namespace(), audited.name(), changedBy, outcome, patchText);
        publish(audited, changedBy, patch, outcome, trigger);
        return Optional.of(new ReportBook.Entry(
                String.join(",", changedBy),
                "remediation",
                result,
                (mode == Mode.dry_run ? "would apply " : "patch ") + patchText + ": " + outcome));
    }

    /**
     * Patches the object unless the API already holds a newer version (then that version is
     * returned and nothing is written; its own event is audited next). The patch's resourceVersion
     * test covers a change between the read and the write.
     */
    private String apply(AdmissionRequest r, String resourceVersion, List<Map<String, Object>> patch) {
        ResourceDefinitionContext context = new ResourceDefinitionContext.Builder()
                .withGroup(r.kind().group())
                .withVersion(r.kind().version())
                .withKind(r.kind().kind())
                .withPlural(Kinds.plural(r.kind().kind()))
                .withNamespaced(!r.namespace().isEmpty())
                .build();
        var api = client.genericKubernetesResources(context);
        var resource = r.namespace().isEmpty()
                ? api.withName(r.name())
                : api.inNamespace(r.namespace()).withName(r.name());
        var live = resource.get();
        if (live == null) {
            return "none (deleted)";
        }
        if (resourceVersion != null
                && !resourceVersion.equals(live.getMetadata().getResourceVersion())) {
            return live.getMetadata().getResourceVersion();
        }
        resource.patch(
                PatchContext.of(PatchType.JSON),
                AdmissionReviews.JSON.valueToTree(patch).toString());
        return null;
    }

    private void publish(
            AdmissionRequest r,
            List<String> changedBy,
            List<Map<String, Object>> patch,
            String outcome,
            CloudEvent trigger) {
        ObjectNode data = AdmissionReviews.JSON.createObjectNode();
        Map<String, Object> resource = new LinkedHashMap<>();
        resource.put(
                "apiVersion",
                r.kind().group().isEmpty()
                        ? r.kind().version()
                        : r.kind().group() + "/" + r.kind().version());
        resource.put("kind", r.kind().kind());
        resource.put("namespace", r.namespace());
        resource.put("name", r.name());
        data.set("resource", AdmissionReviews.JSON.valueToTree(resource));
        data.set("policies", AdmissionReviews.JSON.valueToTree(changedBy));
        data.set("patch", AdmissionReviews.JSON.valueToTree(patch));
        data.put("mode", mode == Mode.dry_run ? "dry-run" : mode.name());
        data.put("outcome", outcome);
        ObjectNode t = data.putObject("trigger");
        t.put("id", trigger.id());
        t.put("type", trigger.type());
        PolicyAudit.send(events, TYPE, r.kind().kind(), r.namespace() + "/" + r.name(), data);
    }
}
