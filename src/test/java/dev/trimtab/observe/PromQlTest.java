package dev.trimtab.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The metric names found in PromQL expressions, as the dashboard test reads them. */
class PromQlTest {
    record Case(String name, String expr, Set<String> want) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> cases() {
        return List.of(
                new Case("a bare name", "trimtab_leader", Set.of("trimtab_leader")),
                new Case(
                        "rate with matchers, grouping and a Grafana range",
                        "sum by (code) (rate(trimtab_autoscaler_writes_total{code!~\"2..|409\"}[$__rate_interval]))",
                        Set.of("trimtab_autoscaler_writes_total")),
                new Case(
                        "histogram_quantile over buckets",
                        "histogram_quantile(0.99, sum by (le) (rate(trimtab_policy_admission_seconds_bucket[5m])))",
                        Set.of("trimtab_policy_admission_seconds_bucket")),
                new Case(
                        "a ratio of two metrics with on()",
                        "sum(rate(a_total[5m])) / on (pod) group_left sum(rate(b_total{x=\"by (y)\"}[5m])) > 0.05",
                        Set.of("a_total", "b_total")),
                new Case(
                        "keywords, numbers and variables are no names",
                        "max by (pod) (m{namespace=~\"$namespace\"}) > bool 1e3 and on() vector(1) offset 5m",
                        Set.of("m")),
                new Case(
                        "label_values argument",
                        "trimtab_autoscaler_policy_desired_replicas{namespace=~\"${ns}\"}",
                        Set.of("trimtab_autoscaler_policy_desired_replicas")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void namesAreFound(Case c) {
        assertThat(PromQl.metricNames(c.expr())).isEqualTo(c.want());
    }

    @Test
    void aScrapeExportsOnlyWhatItHas() {
        Scrape s = Scrape.parse("""
                # HELP trimtab_policy_admission_seconds x
                # TYPE trimtab_policy_admission_seconds histogram
                trimtab_policy_admission_seconds_bucket{le="0.1"} 1
                # TYPE trimtab_autoscaler_writes counter
                trimtab_autoscaler_writes_total{code="200"} 3
                """);
        assertThat(s.exports("trimtab_policy_admission_seconds_count"))
                .as("suffix of a histogram")
                .isTrue();
        assertThat(s.exports("trimtab_autoscaler_writes_total")).isTrue();
        assertThat(s.exports("trimtab_autoscaler_made_up_total")).isFalse();
        assertThat(s.exports("trimtab_leader")).isFalse();
    }
}
