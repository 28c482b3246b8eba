package dev.trimtab.auth.live;

import dev.trimtab.auth.core.AccessReviewer;
import dev.trimtab.auth.core.Authentication;
import dev.trimtab.auth.core.Authorization;
import dev.trimtab.auth.core.Permission;
import dev.trimtab.auth.core.ReviewUnavailable;
import dev.trimtab.auth.core.TokenReviewer;
import dev.trimtab.auth.core.UserInfo;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewSpecBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Duration;
import java.util.List;

/**
 * TokenReview ({@code authentication.k8s.io/v1}) and SubjectAccessReview
 * ({@code authorization.k8s.io/v1}) through fabric8, as a delegating Kubernetes component asks
 * them (its ServiceAccount needs ClusterRole {@code system:auth-delegator}). Its own client: one
 * retry at most and a short timeout, so an unreachable API server is a quick 503, not a request
 * waiting through fabric8's exponential back-off.
 */
public final class KubernetesReviews implements TokenReviewer, AccessReviewer, AutoCloseable {
    private final KubernetesClient client;

    public KubernetesReviews(KubernetesClient shared, Duration timeout) {
        Config config = new ConfigBuilder(shared.getConfiguration())
                .withRequestRetryBackoffLimit(1)
                .withRequestRetryBackoffInterval(100)
                .withRequestTimeout((int) timeout.toMillis())
                .withConnectionTimeout((int) timeout.toMillis())
                .build();
        this.client = new KubernetesClientBuilder().withConfig(config).build();
    }

    @Override
    public Authentication review(String token, List<String> audiences) throws ReviewUnavailable {
        TokenReview answer;
        try {
            answer = client.authentication()
                    .v1()
                    .tokenReviews()
                    .create(new TokenReviewBuilder()
                            .withNewSpec()
                            .withToken(token)
                            .withAudiences(audiences.isEmpty() ? null : audiences)
                            .endSpec()
                            .build());
        } catch (RuntimeException e) {
            throw new ReviewUnavailable(describe(e), e);
        }
        if (answer == null || answer.getStatus() == null) {
            throw new ReviewUnavailable("the TokenReview came back without a status", null);
        }
        var s = answer.getStatus();
        if (!Boolean.TRUE.equals(s.getAuthenticated()) || s.getUser() == null) {
            return Authentication.rejected(s.getError());
        }
        var u = s.getUser();
        return Authentication.authenticated(
                new UserInfo(u.getUsername(), u.getUid(), u.getGroups(), u.getExtra()), s.getAudiences());
    }

    @Override
    public Authorization review(UserInfo user, Permission p) throws ReviewUnavailable {
        SubjectAccessReviewSpecBuilder spec = new SubjectAccessReviewSpecBuilder()
                .withUser(user.username())
                .withGroups(user.groups())
                .withExtra(user.extra().isEmpty() ? null : user.extra())
                .withUid(user.uid().isEmpty() ? null : user.uid());
        if (p.isResource()) {
            spec.withNewResourceAttributes()
                    .withVerb(p.verb())
                    .withGroup(p.group())
                    .withResource(p.resource())
                    .withSubresource(p.subresource().isEmpty() ? null : p.subresource())
                    .withNamespace(p.namespace().isEmpty() ? null : p.namespace())
                    .endResourceAttributes();
        } else {
            spec.withNewNonResourceAttributes()
                    .withVerb(p.verb())
                    .withPath(p.path())
                    .endNonResourceAttributes();
        }
        SubjectAccessReview answer;
        try {
            answer = client.authorization()
                    .v1()
                    .subjectAccessReview()
                    .create(new SubjectAccessReviewBuilder()
                            .withSpec(spec.build())
                            .build());
        } catch (RuntimeException e) {
            throw new ReviewUnavailable(describe(e), e);
        }
        if (answer == null || answer.getStatus() == null) {
            throw new ReviewUnavailable("the SubjectAccessReview came back without a status", null);
        }
        var s = answer.getStatus();
        return new Authorization(
                Boolean.TRUE.equals(s.getAllowed()) && !Boolean.TRUE.equals(s.getDenied()),
                s.getReason(),
                s.getEvaluationError());
    }

    private static String describe(RuntimeException e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return root == e ? m : m + " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
    }

    @Override
    public void close() {
        client.close();
    }
}
