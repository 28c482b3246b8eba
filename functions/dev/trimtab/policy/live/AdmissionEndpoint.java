package dev.trimtab.policy.live;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.trimtab.auth.live.Pools;
import dev.trimtab.policy.admission.AdmissionReviews;
import dev.trimtab.policy.core.AdmissionCheck;
import dev.trimtab.policy.core.AdmissionRequest;
import dev.trimtab.policy.core.PolicyEngine;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The admission webhooks. {@code POST /admission/validate} takes an {@code AdmissionReview} v1 and
 * answers allowed or denied with the status code, reason and message, warnings and audit
 * annotations the API server would give for the same ValidatingAdmissionPolicies.
 * {@code POST /admission/mutate} answers with the {@code JSONPatch} the MutatingAdmissionPolicies
 * make of the object, or the API server's denial when one fails under failurePolicy Fail. After
 * the policies, {@code /admission/validate} runs the steps the other functions add
 * ({@link AdmissionCheck}): a NetworkIntent or RbacIntent Trimtab cannot read is refused (422,
 * naming the field), so is a ScalingPolicy on a target another autoscaler scales (the
 * autoscaler's {@code ScalingPolicyOwners}, when on), and a Role, binding or Namespace that an
 * Enforce-mode RBAC intent forbids is denied (403, the rbac function's {@code RbacIntents}). A body
 * that is not an AdmissionReview gets 400 naming the field, a review that cannot be decided (the
 * namespace cannot be read) 500, and while the cluster's policies are not all in force yet
 * ({@link LivePolicies#inForce}) every review gets 503; the API server then applies the webhook's
 * own failurePolicy (k8s-manifests/policy/webhook.yaml). Reviews run on their own bounded threads
 * ({@code trimtab.limits.admission.*}), never behind a query, since namespaces and parameters may
 * need the API; they are accepted over TLS only ({@link dev.trimtab.auth.live.AccessFilter}).
 */
@Tag(name = "admission", description = "Kubernetes admission webhooks")
@Path("/admission")
public class AdmissionEndpoint {
    private final LivePolicies policies;
    /** The other functions' steps, every VALIDATE one before any AUTHORIZE one, each stage in class-name order. */
    private final List<AdmissionCheck> checks;

    private final Timer timer;
    private final Pools pools;

    @Inject
    public AdmissionEndpoint(
            LivePolicies policies, @Any Instance<AdmissionCheck> checks, MeterRegistry registry, Pools pools) {
        this(policies, checks.stream().toList(), registry, pools);
    }

    AdmissionEndpoint(LivePolicies policies, List<AdmissionCheck> checks, MeterRegistry registry, Pools pools) {
        this.policies = policies;
        this.checks = checks.stream()
                .sorted(Comparator.comparing(AdmissionCheck::stage)
                        .thenComparing(c -> c.getClass().getName()))
                .toList();
        this.pools = pools;
        this.timer = Timer.builder("trimtab_policy_admission_seconds")
                .description("an AdmissionReview from its bytes to its answer's bytes, in the server")
                .publishPercentiles(0.5, 0.99)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(10_000))
                .maximumExpectedValue(Duration.ofSeconds(5))
                .register(registry);
    }

    @Operation(
            operationId = "admissionValidate",
            summary = "Validating admission webhook",
            description =
                    "An admission.k8s.io/v1 AdmissionReview against the ValidatingAdmissionPolicies in force, RBAC intents and ScalingPolicy ownership; answers the AdmissionReview with allowed, status and warnings. 503 while the cluster's policies are not yet listed. Called by the API server over TLS.")
    @POST
    @Path("validate")
    public CompletionStage<Response> validate(byte[] body) {
        return timed(body, r -> AdmissionReviews.response(r.uid(), verdict(r)));
    }

    /** The admission policies' verdict, then each step's while the request is still allowed. */
    private PolicyEngine.Verdict verdict(AdmissionRequest r) {
        PolicyEngine.Verdict v = policies.review(r);
        for (AdmissionCheck check : checks) {
            if (!v.allowed()) {
                break;
            }
            String refusal = check.refusal(r);
            if (refusal != null) {
                v = new PolicyEngine.Verdict(
                        false,
                        check.stage().code(),
                        check.stage().reason(),
                        refusal,
                        v.warnings(),
                        v.auditAnnotations(),
                        v.results());
            }
        }
        return v;
    }

    @Operation(
            operationId = "admissionMutate",
            summary = "Mutating admission webhook",
            description =
                    "An admission.k8s.io/v1 AdmissionReview against the MutatingAdmissionPolicies in force; answers with a JSONPatch when the object changes. Called by the API server over TLS.")
    @POST
    @Path("mutate")
    public CompletionStage<Response> mutate(byte[] body) {
        return timed(body, r -> AdmissionReviews.response(r.uid(), policies.mutate(r)));
    }

    private CompletionStage<Response> timed(byte[] body, Function<AdmissionRequest, Object> decide) {
        long start = System.nanoTime();
        return pools.admission().run(() -> timedNow(start, body, decide));
    }

    private Response timedNow(long start, byte[] body, Function<AdmissionRequest, Object> decide) {
        try {
            return answer(body, decide);
        } finally {
            timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    private Response answer(byte[] body, Function<AdmissionRequest, Object> decide) {
        if (!policies.inForce()) {
            // the API server never admits under policies it has not loaded: no answer, so that the
            // webhook's own failurePolicy decides, as when this pod is out of the Service (docs/decisions/0017)
            return Response.status(Response.Status.SERVICE_UNAVAILABLE)
                    .header("Retry-After", "1")
                    .type(MediaType.TEXT_PLAIN)
                    .entity("not yet ready to handle request: the cluster's admission "
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
            return Response.ok(
                            AdmissionReviews.JSON.writeValueAsString(decide.apply(request)), MediaType.APPLICATION_JSON)
                    .build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        } catch (RuntimeException e) {
            // e.g. the request's namespace could not be read: the API server fails such a request too;
            // a 500 lets the webhook's failurePolicy decide
            return Response.serverError()
                    .type(MediaType.TEXT_PLAIN)
                    .entity("cannot review " + request.uid() + ": " + e.getMessage())
                    .build();
        }
    }

    private static Response bad(String message) {
        return Response.status(Response.Status.BAD_REQUEST)
                .type(MediaType.TEXT_PLAIN)
                .entity(message)
                .build();
    }
}
