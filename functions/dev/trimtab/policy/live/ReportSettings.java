package dev.trimtab.policy.live;

import dev.trimtab.policy.core.ReportApi;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * How reports are written, for every book: {@code trimtab.policy.reports.api} ({@code openreports},
 * the default, or {@code wgpolicyk8s}) and {@code trimtab.policy.reports.max-results} (1 to 5000,
 * default 250: the most results one resource's report holds) and {@code trimtab.policy.reports.sweep-delay}
 * (default 60s: how long after a start or a change of leader the book's stale reports are swept, so
 * that the audit and the intents have seen the cluster first). A bad value stops the start with
 * an error naming the property and the value.
 */
@Singleton
public class ReportSettings {
    public static final int MAX_RESULTS_LIMIT = 5000;

    private final ReportApi api;
    private final int maxResults;
    private final Duration sweepDelay;

    @Inject
    public ReportSettings(
            @ConfigProperty(name = "trimtab.policy.reports.api", defaultValue = "openreports") String api,
            @ConfigProperty(name = "trimtab.policy.reports.max-results", defaultValue = "250") int maxResults,
            @ConfigProperty(name = "trimtab.policy.reports.sweep-delay", defaultValue = "60s") Duration sweepDelay) {
        this.api = ReportApi.parse(api.strip());
        if (maxResults < 1 || maxResults > MAX_RESULTS_LIMIT) {
            throw new IllegalArgumentException(
                    "trimtab.policy.reports.max-results: got " + maxResults + ", expected 1 to " + MAX_RESULTS_LIMIT);
        }
        this.maxResults = maxResults;
        if (sweepDelay.isNegative()) {
            throw new IllegalArgumentException(
                    "trimtab.policy.reports.sweep-delay: got " + sweepDelay + ", expected 0 or more");
        }
        this.sweepDelay = sweepDelay;
    }

    public Duration sweepDelay() {
        return sweepDelay;
    }

    public ReportApi api() {
        return api;
    }

    public int maxResults() {
        return maxResults;
    }
}
