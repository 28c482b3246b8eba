package dev.trimtab.policy.admission;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.trimtab.policy.core.AdmissionRequest;
import dev.trimtab.policy.core.MutationEngine;
import dev.trimtab.policy.core.PolicyEngine;
import dev.trimtab.policy.load.ObjectCluster;
import dev.trimtab.policy.load.PolicyDirectory;
import dev.trimtab.testing.FuzzBounds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;

/**
 * The AdmissionReview decoder on hostile bodies, as the webhook endpoint reads them
 * ({@link AdmissionReviews#JSON}, then {@link AdmissionReviews#request}): a body that is not JSON
 * is a {@link com.fasterxml.jackson.core.JsonProcessingException}, a review with a missing or
 * wrong field an {@link IllegalArgumentException} naming it. A request that decodes is then
 * mutated and reviewed under the shipped policies ({@code policies/}), as {@code policy review}
 * does, and the answer is written: none of that may throw. Seeds:
 * {@code AdmissionReviewsFuzzTestInputs/decodeAndReview/}.
 */
@Tag("fuzz") // its own JVM in the build (pom.xml, execution fuzz-regression)
class AdmissionReviewsFuzzTest {
    private static final PolicyDirectory.Contents SHIPPED = shipped();
    private static final PolicyEngine ENGINE = new PolicyEngine(SHIPPED.policies(), SHIPPED.bindings());
    private static final MutationEngine MUTATIONS =
            new MutationEngine(SHIPPED.mutatingPolicies(), SHIPPED.mutatingBindings());
    private static final ObjectCluster CLUSTER = SHIPPED.cluster();
    private static final FuzzBounds REVIEW = new FuzzBounds(
            "AdmissionReviews.request, then mutate and review", IOException.class, IllegalArgumentException.class);

    private static PolicyDirectory.Contents shipped() {
        try {
            return PolicyDirectory.read(Path.of("policies"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "10m")
    @DictionaryEntries({
        "\"apiVersion\"",
        "\"admission.k8s.io/v1\"",
        "\"AdmissionReview\"",
        "\"request\"",
        "\"uid\"",
        "\"kind\"",
        "\"group\"",
        "\"version\"",
        "\"resource\"",
        "\"operation\"",
        "\"CREATE\"",
        "\"UPDATE\"",
        "\"DELETE\"",
        "\"userInfo\"",
        "\"username\"",
        "\"groups\"",
        "\"extra\"",
        "\"object\"",
        "\"oldObject\"",
        "\"options\"",
        "\"requestKind\"",
        "\"requestResource\"",
        "\"subResource\"",
        "\"namespace\"",
        "\"name\"",
        "\"metadata\"",
        "\"labels\"",
        "\"spec\"",
        "\"containers\"",
        "\"image\"",
        "\"resources\"",
        "\"limits\"",
        "\"requests\"",
        "\"replicas\"",
        "\"Pod\"",
        "\"pods\"",
        "\"Deployment\"",
        "\"deployments\"",
        "\"apps\""
    })
    void decodeAndReview(byte[] body) {
        REVIEW.check(body, () -> {
            AdmissionRequest request = AdmissionReviews.request(AdmissionReviews.JSON.readTree(body));
            MutationEngine.Outcome m = MUTATIONS.mutate(request, CLUSTER, false);
            PolicyEngine.Verdict v = m.allowed() ? ENGINE.review(request.withObject(m.object()), CLUSTER) : null;
            AdmissionReviews.JSON.writeValueAsString(AdmissionReviews.response(request.uid(), m, v));
        });
    }

    @AfterAll
    static void figures() {
        System.out.println(REVIEW.report());
    }
}
