package dev.trimtab.rbac.live;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trimtab.cloudevents.CloudEventCodec;
import dev.trimtab.kube.Leadership;
import dev.trimtab.policy.core.AdmissionCheck;
import dev.trimtab.policy.core.AdmissionRequest;
import dev.trimtab.policy.core.IntentResults;
import dev.trimtab.policy.core.OpenViolations;
import dev.trimtab.policy.core.ReportBook;
import dev.trimtab.policy.live.IntentLoop;
import dev.trimtab.policy.live.IntentSource;
import dev.trimtab.policy.live.LivePolicies;
import dev.trimtab.policy.live.LiveReports;
import dev.trimtab.policy.live.PolicyAudit;
import dev.trimtab.policy.live.ReportSettings;
import dev.trimtab.rbac.RbacAnswers;
import dev.trimtab.rbac.core.IntentAdmission;
import dev.trimtab.rbac.core.IntentChecker;
import dev.trimtab.rbac.core.IntentFix;
import dev.trimtab.rbac.core.IntentRemediator;
import dev.trimtab.rbac.core.IntentViolation;
import dev.trimtab.rbac.core.RbacIntent;
import dev.trimtab.rbac.core.RemediationPlan;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.jboss.logging.Logger;

/**
 * RBAC intents (docs/rbac-intents.md) over the live cluster. The {@code RbacIntent}s are those of
 * the policy directory and, with {@code trimtab.policy.watch-cluster}, the cluster's
 * ({@link IntentSource}). While RBAC is watched ({@link LiveRbac}):
 * <ul>
 *   <li>at admission, a Role, ClusterRole, binding or Namespace that would bring a new violation
 *       of an Enforce intent is denied ({@link #denial}, called by the validating webhook);</li>
 *   <li>after every change of a watched object or intent (coalesced: {@code trimtab.rbac.recheck-delay},
 *       100 ms), once everything is listed, on the leader ({@link IntentLoop}), the intents are checked; each violation that appears
 *       or disappears is a {@code dev.trimtab.rbac.violation} CloudEvent on
 *       {@code trimtab.policy-events} (the violation, its fix, {@code status} open or resolved), and
 *       the {@code trimtab-rbac-intents} PolicyReports hold the violations by binding or role, with
 *       one result per intent (pass when it holds);</li>
 *   <li>with {@code trimtab.rbac.remediation=enforce}, violations of Enforce intents are fixed: the
 *       offending subjects removed from the binding by a JSON patch that tests each entry first, or
 *       a Trimtab-owned binding left empty deleted. Never widening: roles are never rewritten.
 *       {@code dry-run} only reports the fixes; {@code off} (the default) neither.</li>
 * </ul>
 */
@ApplicationScoped
public class RbacIntents implements AdmissionCheck {
    private static final Logger LOG = Logger.getLogger(RbacIntents.class);
    static final String TYPE = "dev.trimtab.rbac.violation";
    static final String REPORT = "trimtab-rbac-intents";
    private static final Set<String> KINDS =
            Set.of("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding", "Namespace");

    private final LiveRbac rbac;
    private final KubernetesClient client;
    private final Emitter<byte[]> events;
    private final MeterRegistry registry;
    private final String remediation;
    private final boolean watchCluster;
    private final LiveReports reports;
    private final OpenViolations<IntentViolation.Key, IntentViolation> open = new OpenViolations<>();
    private final IntentLoop<RbacIntent, LiveRbac.View> loop;

    @Inject
    public RbacIntents(
            LiveRbac rbac,
            KubernetesClient client,
            @Channel("policy-events") Emitter<byte[]> events,
            MeterRegistry registry,
            LivePolicies policies,
            Leadership leadership,
            ReportSettings reportSettings,
            @ConfigProperty(name = "trimtab.rbac.remediation", defaultValue = "off") String remediation,
            @ConfigProperty(name = "trimtab.rbac.recheck-delay", defaultValue = "100ms") Duration delay,
            @ConfigProperty(name = "trimtab.policy.watch-cluster", defaultValue = "true") boolean watchCluster) {
        this.rbac = rbac;
        this.client = client;
        this.events = events;
        this.registry = registry;
        this.remediation = IntentLoop.remediation("trimtab.rbac.remediation", remediation);
        this.watchCluster = watchCluster;
        this.reports = new LiveReports(REPORT, client, registry, reportSettings);
        IntentSource<RbacIntent> source = new IntentSource<>(
                RbacIntent.KIND,
                (objects, errors) -> {
                    RbacIntent.Parsed parsed = RbacIntent.fromObjects(objects);
                    parsed.errors().forEach(errors);
                    return parsed.intents();
                },
                RbacIntent::name,
                policies.fileObjects());
        this.loop = new IntentLoop<>(
                "trimtab-rbac-intents", delay, source, leadership, reports, rbac::synced, rbac::view, this::audit);
        registry.gauge("trimtab_rbac_intent_violations", open, OpenViolations::size);
    }

    void start(@Observes StartupEvent ignored) {
        loop.start(rbac.enabled(), rbac::onChange, client, watchCluster, "rbacintents");
    }

    void stop(@Observes ShutdownEvent ignored) {
        loop.stop();
    }

    /** The intents in force: the policy directory's and the cluster's. */
    public List<RbacIntent> intents() {
        return loop.intents();
    }

    /** RBAC intents in Enforce mode are checked after every validation step. */
    @Override
    public Stage stage() {
        return Stage.AUTHORIZE;
    }

    /** Null when the request brings no new violation of an Enforce intent; else the denial message. */
    @Override
    public String refusal(AdmissionRequest r) {
        if (!rbac.enabled()
                || r.object() == null
                || !KINDS.contains(r.kind().kind())
                || !(r.operation().equals("CREATE") || r.operation().equals("UPDATE"))) {
            return null;
        }
        List<RbacIntent> intents = intents();
        if (intents.isEmpty()) {
            return null;
        }
        LiveRbac.View v = rbac.view();
        IntentAdmission.Verdict verdict = IntentAdmission.review(v.model(), v.namespaces(), intents, r.object());
        if (verdict.allowed()) {
            return null;
        }
        registry.counter("trimtab_rbac_intent_denials_total").increment();
        return verdict.message();
    }

    /** One check: publishes what opened and resolved, replaces the reports and (if enabled) fixes. */
    private boolean audit(LiveRbac.View v, List<RbacIntent> intents) {
        List<IntentViolation> violations = IntentChecker.check(v.model(), v.namespaces(), intents);
        RemediationPlan plan = IntentRemediator.plan(violations, v.objects());
        Map<IntentViolation.Key, IntentViolation> now = new LinkedHashMap<>();
        violations.forEach(x -> now.put(x.key(), x));
        OpenViolations.Diff<IntentViolation> diff = open.update(now);
        diff.opened().forEach(x -> publish(x, plan.fixFor(x), "open"));
        diff.resolved().forEach(x -> publish(x, null, "resolved"));
        reports.replaceAll(IntentResults.of(
                RbacIntent.API_VERSION,
                RbacIntent.KIND,
                intents.stream().map(RbacIntent::name).toList(),
                violations.stream().map(RbacIntents::finding).toList()));
        boolean applied = true;
        if (remediation.equals("enforce")) {
            for (IntentFix fix : plan.fixes()) {
                boolean enforced =
                        violations.stream().anyMatch(x -> x.mode() == RbacIntent.Mode.Enforce && plan.fixFor(x) == fix);
                if (enforced && fix.action() != IntentFix.Action.None) {
                    applied &= apply(fix);
                }
            }
        }
        return applied;
    }

    /** The report entry of a violation: on the binding that grants, else the role at fault. */
    static IntentResults.Finding finding(IntentViolation v) {
        var ref = v.binding() != null ? v.binding() : v.role();
        return IntentResults.Finding.of(
                new ReportBook.Resource(
                        "rbac.authorization.k8s.io/v1",
                        ref.kind(),
                        ref.namespace() == null ? "" : ref.namespace(),
                        ref.name(),
                        null),
                v.intent(),
                "spec.rules[" + v.intentRule() + "] (" + v.ruleField() + ")",
                v.where(),
                v.message());
    }

    /** False when the API refused the fix (it is tried again at the next check). */
    private boolean apply(IntentFix fix) {
        var ref = fix.target();
        boolean cluster = ref.kind().equals("ClusterRoleBinding");
        var context = new ResourceDefinitionContext.Builder()
                .withGroup("rbac.authorization.k8s.io")
                .withVersion("v1")
                .withKind(ref.kind())
                .withPlural(cluster ? "clusterrolebindings" : "rolebindings")
                .withNamespaced(!cluster)
                .build();
        var api = client.genericKubernetesResources(context);
        var resource = cluster
                ? api.withName(ref.name())
                : api.inNamespace(ref.namespace()).withName(ref.name());
        String outcome;
        try {
            if (fix.action() == IntentFix.Action.DeleteBinding) {
                resource.delete();
            } else {
                resource.patch(
                        PatchContext.of(PatchType.JSON),
                        CloudEventCodec.JSON.valueToTree(fix.patch()).toString());
            }
            outcome = "applied";
        } catch (KubernetesClientException e) {
            outcome = "rejected: " + e.getCode() + " " + e.getMessage();
        }
        registry.counter("trimtab_rbac_intent_fixes_total", "outcome", outcome.replaceAll(":.*", ""))
                .increment();
        LOG.infof("RBAC intent fix %s on %s: %s", fix.action().wireName(), ref, outcome);
        return outcome.equals("applied");
    }

    private void publish(IntentViolation v, IntentFix fix, String status) {
        ObjectNode data = CloudEventCodec.JSON.valueToTree(RbacAnswers.violation(v, fix));
        data.put("status", status);
        data.put("remediation", remediation);
        PolicyAudit.send(events, TYPE, "RbacIntent", v.intent() + "/" + v.intentRule(), data);
    }
}
