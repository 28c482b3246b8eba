package dev.trimtab.policy.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trimtab.cloudevents.CloudEvent;
import dev.trimtab.cloudevents.CloudEventCodec;
import dev.trimtab.policy.core.AdmissionRequest;
import dev.trimtab.policy.core.ReportBook;
import dev.trimtab.testing.RecordingEmitter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Remediation's own guard: while the cluster's policies are not in force nothing is patched (not
 * even shown in dry-run), counted with outcome {@code held}; once they are, the remediating
 * MutatingAdmissionPolicy's patch is made (here shown: dry-run needs no API).
 */
class RemediationHeldTest {
    boolean inForce;
    final List<String> published = new ArrayList<>();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    final Emitter<byte[]> events = new RecordingEmitter(published);

    @Test
    void nothingIsPatchedUntilThePoliciesAreInForce(@TempDir Path dir) throws IOException {
        // the audit tests' policies, and the namespace they read (no API here)
        try (var files = Files.list(Path.of("src/test/resources/audit"))) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        Files.writeString(dir.resolve("namespace.yaml"), "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n");
        LivePolicies policies = new LivePolicies(dir.toString(), null, registry) {
            @Override
            public boolean inForce() {
                return inForce;
            }
        };
        Remediation remediation = new Remediation(policies, null, events, registry, "dry-run");
        Map<String, Object> deployment = Map.of(
                "apiVersion",
                "apps/v1",
                "kind",
                "Deployment",
                "metadata",
                Map.of("name", "api", "namespace", "shop", "resourceVersion", "7", "labels", Map.of("tier", "web")),
                "spec",
                Map.of("replicas", 2L));
        AdmissionRequest audited = new AdmissionRequest(
                "u",
                new AdmissionRequest.Gvk("apps", "v1", "Deployment"),
                new AdmissionRequest.Gvr("apps", "v1", "deployments"),
                "",
                null,
                null,
                null,
                "api",
                "shop",
                "CREATE",
                AdmissionRequest.UserInfo.serviceAccount("system:serviceaccount:trimtab:trimtab-policy"),
                false,
                null,
                deployment,
                null);
        CloudEvent trigger = CloudEventCodec.parse("{\"specversion\":\"1.0\",\"id\":\"e\",\"source\":\"t\","
                + "\"type\":\"dev.knative.apiserver.resource.add\",\"data\":{}}");

        assertThat(remediation.remediate(audited, trigger)).isEmpty();
        assertThat(published).isEmpty();
        assertThat(registry.counter("trimtab_policy_remediations_total", "outcome", "held")
                        .count())
                .isEqualTo(1);

        inForce = true;
        Optional<ReportBook.Entry> entry = remediation.remediate(audited, trigger);
        assertThat(entry)
                .hasValueSatisfying(
                        e -> assertThat(e.message()).startsWith("would apply ").contains("app.kubernetes.io~1name"));
        assertThat(published).singleElement().asString().contains("\"outcome\":\"dry-run\"");
    }
}
