package dev.trimtab.kube;

import dev.trimtab.cloudevents.CloudEventCodec;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * The cluster's objects of a few kinds, kept by informers, and a view built from them (an RBAC
 * model, a network model) rebuilt on the first read after a change, so an informer's initial
 * listing costs one rebuild, not one per object. Objects are map trees with their
 * {@code apiVersion} and {@code kind} set (informer list items may lack them).
 */
public final class LiveObjects<V> {
    /** A watched kind: group ("" for core), version, kind, plural, namespaced. */
    public record Kind(String group, String version, String kind, String plural, boolean namespaced) {
        String apiVersion() {
            return group.isEmpty() ? version : group + "/" + version;
        }

        public ResourceDefinitionContext context() {
            return new ResourceDefinitionContext.Builder()
                    .withGroup(group)
                    .withVersion(version)
                    .withKind(kind)
                    .withPlural(plural)
                    .withNamespaced(namespaced)
                    .build();
        }
    }

    private final Function<List<Map<String, Object>>, V> build;
    private final Map<String, Map<String, Object>> objects = new LinkedHashMap<>();
    private volatile Watches watches;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private boolean dirty = true;
    private V view;

    public LiveObjects(Function<List<Map<String, Object>>, V> build) {
        this.build = build;
    }

    /**
     * Starts watching {@code kinds} in the background: nothing here waits for the API server, and
     * a list that fails (unreachable, forbidden, a kind not served) is retried with backoff
     * ({@link Watches}); {@link #synced} says when every kind has been listed.
     */
    public void start(KubernetesClient client, List<Kind> kinds) {
        Watches w = new Watches(
                client,
                Watches.DEFAULT_INITIAL,
                Watches.DEFAULT_MAX,
                "trimtab-watch-" + kinds.get(0).plural());
        watches = w;
        for (Kind k : kinds) {
            w.watch(
                    k.context(),
                    new ResourceEventHandler<>() {
                        public void onAdd(GenericKubernetesResource obj) {
                            put(k, obj);
                        }

                        public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource obj) {
                            put(k, obj);
                        }

                        public void onDelete(GenericKubernetesResource obj, boolean deletedFinalStateUnknown) {
                            remove(k, obj);
                        }
                    },
                    listed -> {});
        }
    }

    /** Each kind's state: listed, or how many attempts failed and why. */
    public List<Watches.Status> statuses() {
        Watches w = watches;
        return w == null ? List.of() : w.statuses();
    }

    /**
     * Called after every change, on the informer's thread: keep it short (hand the work to another
     * thread, as {@link Rechecks} does).
     */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    /**
     * True once every kind has been listed (or is not served) and every listed object is in the
     * view (the informer hands them over after the list, on its own thread): before that the view
     * may be partial.
     */
    public boolean synced() {
        Watches w = watches;
        return w != null && w.folded();
    }

    public void stop() {
        Watches w = watches;
        if (w != null) {
            w.close();
        }
    }

    @SuppressWarnings("unchecked")
    private void put(Kind k, GenericKubernetesResource obj) {
        Map<String, Object> o = CloudEventCodec.JSON.convertValue(obj, Map.class);
        o.put("apiVersion", k.apiVersion());
        o.put("kind", k.kind());
        synchronized (this) {
            objects.put(key(k, obj), o);
            dirty = true;
        }
        listeners.forEach(Runnable::run);
    }

    private void remove(Kind k, GenericKubernetesResource obj) {
        synchronized (this) {
            objects.remove(key(k, obj));
            dirty = true;
        }
        listeners.forEach(Runnable::run);
    }

    private static String key(Kind k, GenericKubernetesResource o) {
        return k.kind() + "/" + o.getMetadata().getNamespace() + "/"
                + o.getMetadata().getName();
    }

    /** The view of the objects seen so far. */
    public synchronized V view() {
        if (dirty) {
            view = build.apply(new ArrayList<>(objects.values()));
            dirty = false;
        }
        return view;
    }
}
