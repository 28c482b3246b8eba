package dev.trimtab.policy.live;

import dev.trimtab.policy.core.AdmissionRequest;
import dev.trimtab.policy.core.PolicyEngine;
import dev.trimtab.policy.load.ObjectCluster;
import dev.trimtab.policy.load.PolicyDirectory;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The policies in force in this process: read from {@code trimtab.policy.directory} (a mounted
 * ConfigMap in a cluster, {@code policies/} locally) at start. A policy that does not load is
 * logged with its file, field path and CEL position, and the others are enforced. Parameter
 * objects and namespaces come from the directory's other objects, else from the Kubernetes API.
 */
@ApplicationScoped
public class LivePolicies {
    private static final Logger LOG = Logger.getLogger(LivePolicies.class);
    private final PolicyEngine engine;
    private final PolicyEngine.Cluster cluster;
    private final MeterRegistry registry;
    private final int policies;

    @Inject
    public LivePolicies(@ConfigProperty(name = "trimtab.policy.directory", defaultValue = "policies") String directory,
                        KubernetesClient client, MeterRegistry registry) {
        this.registry = registry;
        Path dir = Path.of(directory);
        PolicyDirectory.Contents contents = new PolicyDirectory.Contents(List.of(), List.of(), List.of(), List.of());
        if (Files.isDirectory(dir)) {
            try {
                contents = PolicyDirectory.read(dir);
            } catch (IOException e) {
                LOG.errorf("cannot read policies from %s: %s", dir, e.getMessage());
            }
        } else {
            LOG.infof("no policy directory %s: no policies in force", dir);
        }
        contents.errors().forEach(e -> LOG.errorf("policy not loaded: %s", e));
        this.policies = contents.policies().size();
        this.engine = new PolicyEngine(contents.policies(), contents.bindings());
        ObjectCluster files = contents.cluster();
        KubernetesCluster api = new KubernetesCluster(client);
        this.cluster = new PolicyEngine.Cluster() {
            public Map<String, Object> namespace(String name) {
                Map<String, Object> ns = files.namespace(name);
                return ns != null ? ns : api.namespace(name);
            }

            public boolean namespaced(dev.trimtab.policy.core.ValidatingPolicy.ParamKind kind) {
                return api.namespaced(kind);
            }

            public List<Map<String, Object>> params(dev.trimtab.policy.core.ValidatingPolicy.ParamKind kind,
                                                    String namespace, String name, dev.trimtab.kube.LabelSelector selector) {
                List<Map<String, Object>> out = new ArrayList<>(files.params(kind, namespace, name, selector));
                return !out.isEmpty() ? out : api.params(kind, namespace, name, selector);
            }
        };
        LOG.infof("%d ValidatingAdmissionPolicies in force from %s", policies, dir);
    }

    /** The verdict on a request, counted by result. */
    public PolicyEngine.Verdict review(AdmissionRequest request) {
        PolicyEngine.Verdict v = engine.review(request, cluster);
        registry.counter("trimtab_policy_reviews_total", "allowed", Boolean.toString(v.allowed())).increment();
        return v;
    }

    public int size() {
        return policies;
    }
}
