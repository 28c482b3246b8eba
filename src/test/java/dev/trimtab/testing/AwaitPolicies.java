package dev.trimtab.testing;

import dev.trimtab.policy.live.LivePolicies;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * In tests only: the app's start waits (at most 20 s) until the cluster's admission policies are
 * in force, as Kubernetes waits for the readiness probe before sending a webhook pod reviews.
 * In production the watches start in the background and the readiness check gates traffic.
 * {@code trimtab.test.await-policies=false} turns the wait off for tests that watch it happen.
 */
@ApplicationScoped
public class AwaitPolicies {
    void await(
            @Observes @Priority(Interceptor.Priority.APPLICATION + 900) StartupEvent ignored,
            LivePolicies policies,
            @ConfigProperty(name = "trimtab.test.await-policies", defaultValue = "true") boolean await)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (await && !policies.inForce() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }
}
