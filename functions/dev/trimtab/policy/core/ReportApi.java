package dev.trimtab.policy.core;

/**
 * The report API the audit writes ({@code trimtab.policy.reports.api}): {@code openreports}
 * ({@code openreports.io/v1alpha1}, {@code Report}/{@code ClusterReport}, where Kyverno has moved)
 * or {@code wgpolicyk8s} ({@code wgpolicyk8s.io/v1alpha2}, {@code PolicyReport}/{@code ClusterPolicyReport}).
 * Both have the same result and summary fields; only openreports has the report-level
 * {@code source} and {@code configuration.limits}.
 */
public enum ReportApi {
    openreports("openreports.io", "v1alpha1", "Report", "reports", "ClusterReport", "clusterreports"),
    wgpolicyk8s(
            "wgpolicyk8s.io",
            "v1alpha2",
            "PolicyReport",
            "policyreports",
            "ClusterPolicyReport",
            "clusterpolicyreports");

    public final String group;
    public final String version;
    public final String kind;
    public final String plural;
    public final String clusterKind;
    public final String clusterPlural;

    ReportApi(String group, String version, String kind, String plural, String clusterKind, String clusterPlural) {
        this.group = group;
        this.version = version;
        this.kind = kind;
        this.plural = plural;
        this.clusterKind = clusterKind;
        this.clusterPlural = clusterPlural;
    }

    public String apiVersion() {
        return group + "/" + version;
    }

    /** The API named by {@code trimtab.policy.reports.api}; an error naming the value otherwise. */
    public static ReportApi parse(String value) {
        for (ReportApi api : values()) {
            if (api.name().equals(value)) {
                return api;
            }
        }
        throw new IllegalArgumentException(
                "trimtab.policy.reports.api: got \"" + value + "\", expected openreports or wgpolicyk8s");
    }
}
