package dev.trimtab.policy.live;

import dev.trimtab.kube.LiveObjects;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The intents of one kind in force: those of the policy directory, and, when the cluster's are
 * watched ({@code trimtab.policy.watch-cluster}), the cluster-scoped objects of the kind
 * ({@code trimtab.dev/v1alpha1}, k8s-manifests/base/intents-crds.yaml), which replace a file's intent of
 * the same name. An intent with a problem is left out whole and logged (the validating webhook
 * refuses such objects before they are stored: {@code AdmissionEndpoint}).
 */
public final class IntentSource<T> {
    private static final Logger LOG = Logger.getLogger(IntentSource.class);

    /** Reads the intents among {@code objects}, telling each problem to {@code errors}. */
    public interface Parser<T> {
        List<T> parse(List<Map<String, Object>> objects, Consumer<String> errors);
    }

    private final String kind;
    private final Function<T, String> name;
    private final List<T> files;
    private final LiveObjects<List<T>> cluster;
    private boolean watching;

    public IntentSource(
            String kind, Parser<T> parser, Function<T, String> name, List<Map<String, Object>> fileObjects) {
        this.kind = kind;
        this.name = name;
        this.files = parser.parse(fileObjects, e -> LOG.errorf("%s not loaded from the policy directory: %s", kind, e));
        this.cluster = new LiveObjects<>(
                objects -> parser.parse(objects, e -> LOG.errorf("%s not loaded from the cluster: %s", kind, e)));
    }

    /**
     * Watches the kind ({@code plural}) in the cluster, in the background; {@code changed} runs after
     * each change. When the API does not serve the kind (its CRD is not installed) the files'
     * intents stay the only ones and the kind counts as listed; the list is retried with backoff, so
     * a CRD installed later is picked up, and an unreachable API server never blocks the start.
     */
    public void watch(KubernetesClient client, String plural, Runnable changed) {
        LiveObjects.Kind k = new LiveObjects.Kind("trimtab.dev", "v1alpha1", kind, plural, false);
        cluster.onChange(changed);
        cluster.start(client, List.of(k));
        watching = true;
    }

    public void stop() {
        cluster.stop();
    }

    /** True when the cluster's intents are listed (or not watched). */
    public boolean synced() {
        return !watching || cluster.synced();
    }

    /** Whether any intent could be in force: some file intent, or the cluster is watched. */
    public boolean possible() {
        return watching || !files.isEmpty();
    }

    /** The intents in force: the files', each replaced by the cluster's intent of its name, then the cluster's others. */
    public List<T> intents() {
        if (!watching) {
            return files;
        }
        Map<String, T> all = new LinkedHashMap<>();
        files.forEach(i -> all.put(name.apply(i), i));
        cluster.view().forEach(i -> all.put(name.apply(i), i));
        return new ArrayList<>(all.values());
    }
}
