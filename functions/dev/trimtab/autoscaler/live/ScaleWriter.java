package dev.trimtab.autoscaler.live;

import dev.trimtab.autoscaler.core.ObjectRef;
import dev.trimtab.autoscaler.core.ScaleDecision;
import dev.trimtab.autoscaler.core.ScaleTarget;
import dev.trimtab.autoscaler.events.KubeObjects;
import dev.trimtab.cloudevents.CloudEventCodec;
import dev.trimtab.kube.ApiResources;
import dev.trimtab.kube.Kinds;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes decisions to the {@code /scale} subresource of any scalable resource, with the
 * resourceVersion the decision was computed on, so a concurrent change is a 409, never a lost
 * update.
 */
@ApplicationScoped
public class ScaleWriter {

    /** The outcome of one write attempt. */
    public record Outcome(Kind kind, int httpCode, String resourceVersion, long retryAfterMillis, String message) {
        public enum Kind {
            Written,
            Conflict,
            NotFound,
            Retry,
            Failed
        }
    }

    private final KubernetesClient client;
    private static final long REDISCOVER_MILLIS = 60_000;
    private final Map<String, String> plurals = new ConcurrentHashMap<>();
    /** When a kind's plural was last guessed (discovery did not know it): discovery waits a minute after. */
    private final Map<String, Long> guessedAt = new ConcurrentHashMap<>();

    @Inject
    public ScaleWriter(KubernetesClient client) {
        this.client = client;
    }

    /**
     * Reads {@code /scale}; if its resourceVersion is not the one the decision was computed on,
     * that is a conflict without writing; otherwise PUTs it back with the desired replicas and that
     * resourceVersion, so a change in between is a 409. Writing back the object the server returned
     * (rather than a fresh autoscaling/v1 Scale) also suits the fabric8 mock server, which stores a
     * PUT body verbatim.
     */
    public Outcome write(ScaleDecision d) {
        ObjectRef t = d.target();
        try {
            Resource<GenericKubernetesResource> resource = resource(t);
            Scale scale = resource.scale();
            if (scale == null) {
                return new Outcome(Outcome.Kind.NotFound, 404, null, 0, t + " has no scale subresource or is gone");
            }
            String current =
                    scale.getMetadata() == null ? null : scale.getMetadata().getResourceVersion();
            if (d.resourceVersion() != null && current != null && !current.equals(d.resourceVersion())) {
                return new Outcome(
                        Outcome.Kind.Conflict,
                        409,
                        current,
                        0,
                        "computed on resourceVersion " + d.resourceVersion() + ", the target is at " + current);
            }
            scale.getSpec().setReplicas(d.desiredReplicas());
            Scale written = resource.scale(scale);
            String rv = written == null || written.getMetadata() == null
                    ? null
                    : written.getMetadata().getResourceVersion();
            return new Outcome(Outcome.Kind.Written, 200, rv, 0, "scaled to " + d.desiredReplicas());
        } catch (KubernetesClientException e) {
            return failure(e);
        }
    }

    /** Reads the target afresh (after a conflict); null when it is gone. */
    public ScaleTarget read(ObjectRef t) {
        GenericKubernetesResource r = resource(t).get();
        if (r == null) {
            return null;
        }
        return KubeObjects.scaleTarget(CloudEventCodec.JSON.valueToTree(r));
    }

    private Resource<GenericKubernetesResource> resource(ObjectRef t) {
        String group = t.group();
        String version = t.apiVersion().contains("/")
                ? t.apiVersion().substring(t.apiVersion().indexOf('/') + 1)
                : t.apiVersion();
        ResourceDefinitionContext context = new ResourceDefinitionContext.Builder()
                .withGroup(group)
                .withVersion(version)
                .withKind(t.kind())
                .withPlural(plural(group, version, t.kind()))
                .withNamespaced(true)
                .build();
        return client.genericKubernetesResources(context)
                .inNamespace(t.namespace())
                .withName(t.name());
    }

    /**
     * The resource (plural) of a kind, for its path: the standard table, else what discovery says
     * for the group-version (a CRD's {@code spec.names.plural}, which no rule can guess: {@code Gateway}
     * is {@code gateways}, {@code Proxy} may be {@code proxies}), else the RESTMapper's guess. A
     * discovered or known name is kept; after a guess discovery is asked again, at most once a
     * minute per kind, so a failing discovery adds no request to every write.
     */
    String plural(String group, String version, String kind) {
        String key = group + "/" + version + "/" + kind;
        String known = plurals.get(key);
        if (known != null) {
            return known;
        }
        Optional<String> found = ApiResources.standard().forKind(group, kind).map(ApiResources.ApiResource::resource);
        long now = System.currentTimeMillis();
        Long guessed = guessedAt.get(key);
        boolean ask = found.isEmpty() && (guessed == null || now - guessed >= REDISCOVER_MILLIS);
        if (ask) {
            found = discovered(group, version, kind);
        }
        if (found.isPresent()) {
            plurals.put(key, found.get());
            guessedAt.remove(key);
            return found.get();
        }
        if (ask) {
            guessedAt.put(key, now);
        }
        return Kinds.plural(kind);
    }

    private Optional<String> discovered(String group, String version, String kind) {
        try {
            APIResourceList list = client.getApiResources(group.isEmpty() ? version : group + "/" + version);
            if (list == null || list.getResources() == null) {
                return Optional.empty();
            }
            return list.getResources().stream()
                    .filter(r -> kind.equals(r.getKind())
                            && r.getName() != null
                            && !r.getName().contains("/"))
                    .map(APIResource::getName)
                    .findFirst();
        } catch (KubernetesClientException e) {
            return Optional.empty();
        }
    }

    static Outcome failure(KubernetesClientException e) {
        int code = e.getCode();
        if (code == 409) {
            return new Outcome(Outcome.Kind.Conflict, code, null, 0, e.getMessage());
        }
        if (code == 404) {
            return new Outcome(Outcome.Kind.NotFound, code, null, 0, e.getMessage());
        }
        if (code == 429 || code >= 500) {
            long retryAfter = e.getStatus() != null
                            && e.getStatus().getDetails() != null
                            && e.getStatus().getDetails().getRetryAfterSeconds() != null
                    ? e.getStatus().getDetails().getRetryAfterSeconds() * 1000L
                    : 0;
            return new Outcome(Outcome.Kind.Retry, code, null, retryAfter, e.getMessage());
        }
        return new Outcome(Outcome.Kind.Failed, code, null, 0, e.getMessage());
    }
}
