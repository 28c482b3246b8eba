package dev.trimtab.policy.live;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.trimtab.auth.live.Pools;
import dev.trimtab.network.core.intent.NetworkIntent;
import dev.trimtab.policy.admission.AdmissionReviews;
import dev.trimtab.policy.core.AdmissionRequest;
import dev.trimtab.policy.core.PolicyEngine;
import dev.trimtab.rbac.core.RbacIntent;
import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The admission webhooks. {@code POST /admission/validate} takes an {@code AdmissionReview} v1 and
 * answers allowed or denied with the status code, reason and message, warnings and audit
 * annotations the API server would give for the same ValidatingAdmissionPolicies.
 * {@code POST /admission/mutate} answers with the {@code JSONPatch} the MutatingAdmissionPolicies
 * make of the object, or the API server's denial when one fails under failurePolicy Fail. A
 * NetworkIntent or RbacIntent Trimtab cannot read is refused (422, naming the field), so is a
 * ScalingPolicy on a target another autoscaler scales ({@link ScalingPolicyOwners}, when on), and a
 * Role, binding or Namespace that an Enforce-mode RBAC intent forbids is also denied by
 * {@code /admission/validate} ({@link dev.trimtab.rbac.live.RbacIntents}). A body
 * that is not an AdmissionReview gets 400 naming the field, a review that cannot be decided (the
 * namespace cannot be read) 500, and while the cluster's policies are not all in force yet
 * ({@link LivePolicies#inForce}) every review gets 503; the API server then applies the webhook's
 * own failurePolicy (k8s-manifests/policy/webhook.yaml). Reviews run on their own bounded threads
 * ({@code trimtab.limits.admission.*}), never behind a query, since namespaces and parameters may
 * need the API; they are accepted over TLS only ({@link dev.trimtab.auth.live.AccessFilter}).
 */
@org.eclipse.microprofile.openapi.annotations.tags.Tag(name = "admission", description = "Kubernetes admission webhooks")
@Path("/admission")
public class AdmissionEndpoint {
    private final LivePolicies policies;
    private final dev.trimtab.rbac.live.RbacIntents intents;
    private final ScalingPolicyOwners scalingPolicies;
    private final io.micrometer.core.instrument.Timer timer;
    private final Pools pools;

    @Inject
    public AdmissionEndpoint(LivePolicies policies, dev.trimtab.rbac.live.RbacIntents intents,
                             ScalingPolicyOwners scalingPolicies, io.micrometer.core.instrument.MeterRegistry registry,
                             Pools pools) {
        this.policies = policies;
        this.intents = intents;
        this.scalingPolicies = scalingPolicies;
        this.pools = pools;
        this.timer = io.micrometer.core.instrument.Timer.builder("trimtab_policy_admission_seconds")
                .description("an AdmissionReview from its bytes to its answer's bytes, in the server")
                .publishPercentiles(0.5, 0.99).publishPercentileHistogram()
                .minimumExpectedValue(java.time.Duration.ofNanos(10_000)).maximumExpectedValue(java.time.Duration.ofSeconds(5))
                .register(registry);
    }

    @org.eclipse.microprofile.openapi.annotations.Operation(operationId = "admissionValidate", summary = "Validating admission webhook",
            description = "An admission.k8s.io/v1 AdmissionReview against the ValidatingAdmissionPolicies in force, RBAC intents and ScalingPolicy ownership; answers the AdmissionReview with allowed, status and warnings. 503 while the cluster's policies are not yet listed. Called by the API server over TLS.")
    @POST
    @Path("validate")
    public CompletionStage<Response> validate(byte[] body) {
        return timed(body, r -> {
            PolicyEngine.Verdict v = policies.review(r);
            String invalid = v.allowed() ? invalidIntent(r) : null;
            if (invalid == null && v.allowed()) {
                invalid = scalingPolicies.invalid(r);   // unreadable, or its target already scaled by another
            }
            if (invalid != null) {
                // an intent Trimtab could not read: refused before it is stored, as a CRD's schema would
                return AdmissionReviews.response(r.uid(), new PolicyEngine.Verdict(false, 422, "Invalid", invalid,
                        v.warnings(), v.auditAnnotations(), v.results()));
            }
            String denied = v.allowed() ? intents.denial(r) : null;
            if (denied != null) {
                // an RBAC intent in Enforce mode: after the admission policies, as a second validating step
                v = new PolicyEngine.Verdict(false, 403, "Forbidden", denied, v.warnings(), v.auditAnnotations(),
                        v.results());
            }
            return AdmissionReviews.response(r.uid(), v);
        });
    }

    /** The problems of a NetworkIntent or RbacIntent being created or updated, each naming its field; null if none. */
    static String invalidIntent(AdmissionRequest r) {
        if (r.object() == null || !"trimtab.dev".equals(r.kind().group())) {
            return null;
        }
        List<String> errors = switch (r.kind().kind()) {
            case NetworkIntent.KIND -> NetworkIntent.fromObjects(List.of(r.object())).errors();
            case RbacIntent.KIND -> RbacIntent.fromObjects(List.of(r.object())).errors();
            default -> List.of();
        };
        return errors.isEmpty() ? null : String.join("; ", errors);
    }

    @org.eclipse.microprofile.openapi.annotations.Operation(operationId = "admissionMutate", summary = "Mutating admission webhook",
            description = "An admission.k8s.io/v1 AdmissionReview against the MutatingAdmissionPolicies in force; answers with a JSONPatch when the object changes. Called by the API server over TLS.")
    @POST
    @Path("mutate")
    public CompletionStage<Response> mutate(byte[] body) {
        return timed(body, r -> AdmissionReviews.response(r.uid(), policies.mutate(r)));
    }

    private CompletionStage<Response> timed(byte[] body, java.util.function.Function<AdmissionRequest, Object> decide) {
        long start = System.nanoTime();
        return pools.admission().run(() -> timedNow(start, body, decide));
    }

    private Response timedNow(long start, byte[] body, java.util.function.Function<AdmissionRequest, Object> decide) {
        try {
            return answer(body, decide);
        } finally {
            timer.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    private Response answer(byte[] body, java.util.function.Function<AdmissionRequest, Object> decide) {
        if (!policies.inForce()) {
            // the API server never admits under policies it has not loaded: no answer, so that the
            // webhook's own failurePolicy decides, as when this pod is out of the Service (docs/decisions/0017)
            return Response.status(Response.Status.SERVICE_UNAVAILABLE).header("Retry-After", "1")
                    .type(MediaType.TEXT_PLAIN).entity("not yet ready to handle request: the cluster's admission "
                            + "policies are not all in force yet (see the readiness check " + PolicyHealth.NAME + ")")
                    .build();
        }
        AdmissionRequest request;
        try {
            request = AdmissionReviews.request(AdmissionReviews.JSON.readTree(body));
        } catch (JsonProcessingException e) {
            return bad("not JSON: " + e.getOriginalMessage());
        } catch (IOException | IllegalArgumentException e) {
            return bad(e.getMessage());
        }
        try {
            return Response.ok(AdmissionReviews.JSON.writeValueAsString(decide.apply(request)),
                    MediaType.APPLICATION_JSON).build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        } catch (RuntimeException e) {
            // e.g. the request's namespace could not be read: the API server fails such a request too;
            // a 500 lets the webhook's failurePolicy decide
            return Response.serverError().type(MediaType.TEXT_PLAIN).entity("cannot review " + request.uid() + ": "
                    + e.getMessage()).build();
        }
    }

    private static Response bad(String message) {
        return Response.status(Response.Status.BAD_REQUEST).type(MediaType.TEXT_PLAIN).entity(message).build();
    }
}
