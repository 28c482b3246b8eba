package dev.trimtab.policy.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Intent findings as PolicyReport results, and a book replaced by each new check. */
class IntentResultsTest {
    static final ReportBook.Resource WEB = new ReportBook.Resource("v1", "Pod", "shop", "web", null);
    static final ReportBook.Resource DB = new ReportBook.Resource("v1", "Pod", "shop", "db", null);

    static IntentResults.Finding finding(ReportBook.Resource r, String message) {
        return new IntentResults.Finding(r, "metrics", "spec.rules[0] (onlyFrom)", message);
    }

    @Test
    void oneResultPerObjectAndRuleListingItsViolationsAndOnePerIntent() {
        List<IntentResults.Finding> findings = new ArrayList<>();
        for (int i = 1; i <= 7; i++) {
            findings.add(finding(WEB, "flow " + i));
        }
        findings.add(finding(DB, "flow db"));
        Map<ReportBook.Resource, List<ReportBook.Entry>> out =
                IntentResults.of("trimtab.dev/v1alpha1", "NetworkIntent", List.of("metrics", "baseline"), findings);

        assertThat(out.get(WEB))
                .containsExactly(new ReportBook.Entry(
                        "metrics",
                        "spec.rules[0] (onlyFrom)",
                        "fail",
                        "7 violations: flow 1; flow 2; flow 3; flow 4; flow 5; and 2 more"));
        assertThat(out.get(DB))
                .containsExactly(new ReportBook.Entry("metrics", "spec.rules[0] (onlyFrom)", "fail", "flow db"));
        assertThat(out.get(new ReportBook.Resource("trimtab.dev/v1alpha1", "NetworkIntent", "", "metrics", null)))
                .containsExactly(new ReportBook.Entry("metrics", "intent", "fail", "8 violations"));
        assertThat(out.get(new ReportBook.Resource("trimtab.dev/v1alpha1", "NetworkIntent", "", "baseline", null)))
                .containsExactly(new ReportBook.Entry("baseline", "intent", "pass", "holds"));
    }

    @Test
    void replacingTheBookRemovesTheResultsOfObjectsNoLongerAtFault() {
        ReportBook book = new ReportBook("trimtab-network-intents");
        book.replaceAll(IntentResults.of(
                "trimtab.dev/v1alpha1",
                "NetworkIntent",
                List.of("metrics"),
                List.of(finding(WEB, "a"), finding(DB, "b"))));
        assertThat(book.drain(ReportApi.openreports, 0))
                .extracting(d -> d.resource().name() + "@" + d.ref().namespace())
                .containsExactly("web@shop", "db@shop", "metrics@");
        assertThat(book.size(WEB)).isEqualTo(1);

        List<ReportBook.Change> changes = book.replaceAll(IntentResults.of(
                "trimtab.dev/v1alpha1", "NetworkIntent", List.of("metrics"), List.of(finding(DB, "b"))));
        assertThat(changes)
                .extracting(c -> c.resource().name() + ":"
                        + (c.after() == null ? "gone" : c.after().result()))
                .containsExactlyInAnyOrder("metrics:fail", "web:gone");
        assertThat(book.size(WEB)).isZero();
        List<ReportBook.Due> due = book.drain(ReportApi.openreports, 0);
        assertThat(due)
                .extracting(d -> d.resource().name() + ":" + (d.delete() ? "delete" : "write"))
                .containsExactlyInAnyOrder("metrics:write", "web:delete");
        assertThat(due.get(0).ref().name()).startsWith("trimtab-network-intents-");

        book.replaceAll(IntentResults.of("trimtab.dev/v1alpha1", "NetworkIntent", List.of("metrics"), List.of()));
        assertThat(book.size(DB)).isZero();
        assertThat(book.reports()).isEqualTo(1);
    }

    @Test
    void openViolationsTellWhatOpenedAndWhatResolved() {
        OpenViolations<String, String> open = new OpenViolations<>();
        OpenViolations.Diff<String> first = open.update(Map.of("a", "A", "b", "B"));
        assertThat(first.opened()).containsExactlyInAnyOrder("A", "B");
        assertThat(first.resolved()).isEmpty();
        OpenViolations.Diff<String> second = open.update(Map.of("b", "B'", "c", "C"));
        assertThat(second.opened()).containsExactly("C");
        assertThat(second.resolved()).containsExactly("A");
        assertThat(open.size()).isEqualTo(2);
    }
}
