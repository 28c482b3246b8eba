package dev.trimtab.auth.live;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.Set;

/** How HTTP callers are authenticated and authorized ({@code trimtab.auth.*}; docs/security.md). */
@ConfigMapping(prefix = "trimtab.auth")
public interface AuthSettings {
    /**
     * Check bearer tokens (TokenReview) and permissions (SubjectAccessReview) on every surface but
     * health and admission. Off only in tests and the local run: a loud warning at start.
     */
    @WithDefault("true")
    boolean enabled();

    Push push();

    Metrics metrics();

    Admission admission();

    Cache cache();

    ClientCertificates clientCertificates();

    /** Threads asking the API server for reviews (a review waits on the network, not on CPU). */
    @WithDefault("4")
    int reviewThreads();

    /** A TokenReview or SubjectAccessReview taking longer counts as the API server being unreachable (503). */
    @WithDefault("5s")
    Duration reviewTimeout();

    interface Push {
        /**
         * The audience push tokens must be bound to (TokenReview {@code spec.audiences}): the
         * KafkaSource's {@code spec.sink.audience}. Knative's format is {@code group/kind/namespace/name}.
         */
        @WithDefault("serving.knative.dev/service/trimtab/trimtab-autoscaler-push")
        String audience();

        /**
         * The usernames that may push: the KafkaSource's OIDC ServiceAccount
         * ({@code .status.auth.serviceAccountName}, {@code <source>-oidc-sources.knative.dev-kafkasource})
         * or another named ServiceAccount.
         */
        @WithDefault("system:serviceaccount:trimtab:trimtab-autoscaler-oidc-sources.knative.dev-kafkasource")
        Set<String> allowedSubjects();
    }

    interface Metrics {
        /** {@code /q/metrics} needs {@code get} on the non-resource URL {@code /metrics}, as the Kubernetes components' do. */
        @WithName("protected")
        @WithDefault("true")
        boolean isProtected();
    }

    interface Admission {
        /** Accept admission reviews over plain HTTP: tests and the local run only. */
        @WithDefault("false")
        boolean allowPlainHttp();
    }

    interface ClientCertificates {
        /**
         * Accept x509 client certificates as the API server does (CN the username, O the groups),
         * on every surface but push: the kube-scheduler calls extenders with a client certificate,
         * never a token. Only certificates the TLS layer verified count: set
         * {@code quarkus.http.ssl.client-auth=request} and a trust store holding the cluster's
         * client CA alone ({@code client-ca-file} of kube-system/extension-apiserver-authentication);
         * any CA trusted there can name any user.
         */
        @WithDefault("false")
        boolean enabled();
    }

    interface Cache {
        @WithDefault("10s")
        Duration authenticatedTtl();

        @WithDefault("5s")
        Duration unauthenticatedTtl();

        @WithDefault("10s")
        Duration allowedTtl();

        @WithDefault("5s")
        Duration deniedTtl();

        /** Per cache (tokens, access reviews). */
        @WithDefault("4096")
        int maxEntries();
    }
}
