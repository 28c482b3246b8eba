package dev.trimtab.policy.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** One report per resource: its name, scope, owner, summary, cap and API. */
class ReportBookTest {
    static final String UID = "0b7a4a9e-6f0b-4c31-9d55-2b1f4a0c7e11";
    static final ReportBook.Resource WEB = new ReportBook.Resource("v1", "Pod", "shop", "web", UID);
    static final ReportBook.Resource NODE =
            new ReportBook.Resource("v1", "Node", "", "n1", "5c1d2e3f-0000-4000-8000-000000000001");

    static ReportBook.Entry entry(String policy, String result) {
        return new ReportBook.Entry(policy, policy + "/validations[0]", result, policy + " says " + result);
    }

    @SuppressWarnings("unchecked")
    static <T> T at(Map<String, Object> map, String... path) {
        Object o = map;
        for (String p : path) {
            o = ((Map<String, Object>) o).get(p);
        }
        return (T) o;
    }

    @Test
    void aResourcesReportIsNamedAfterItsUidScopedToItAndOwnedByIt() {
        ReportBook book = new ReportBook();
        book.put(WEB, List.of(entry("no-latest", "fail"), entry("limits", "pass")));
        List<ReportBook.Due> due = book.drain(ReportApi.openreports, 42);
        assertThat(due).hasSize(1);
        Map<String, Object> report = due.get(0).report();
        assertThat(report)
                .containsEntry("apiVersion", "openreports.io/v1alpha1")
                .containsEntry("kind", "Report")
                .containsEntry("source", "trimtab");
        assertThat((Object) at(report, "metadata", "name")).isEqualTo(UID);
        assertThat((Object) at(report, "metadata", "namespace")).isEqualTo("shop");
        assertThat((Map<String, Object>) at(report, "metadata", "labels"))
                .containsEntry("app.kubernetes.io/managed-by", "trimtab")
                .containsEntry("trimtab.dev/report", "trimtab-policy");
        assertThat((List<Object>) at(report, "metadata", "ownerReferences"))
                .containsExactly(Map.of("apiVersion", "v1", "kind", "Pod", "name", "web", "uid", UID));
        assertThat((Map<String, Object>) report.get("scope"))
                .isEqualTo(Map.of("apiVersion", "v1", "kind", "Pod", "namespace", "shop", "name", "web", "uid", UID));
        assertThat((Map<String, Object>) report.get("summary"))
                .isEqualTo(Map.of("pass", 1, "fail", 1, "warn", 0, "error", 0, "skip", 0));
        assertThat((Object) at(report, "configuration", "limits", "maxResults"))
                .isEqualTo(ReportBook.DEFAULT_MAX_RESULTS);
        assertThat(book.drain(ReportApi.openreports, 43))
                .as("nothing changed: nothing due")
                .isEmpty();
    }

    @Test
    void aClusterScopedResourceGetsAClusterReportAndWgpolicyHasTheOldKinds() {
        ReportBook book = new ReportBook();
        book.put(NODE, List.of(entry("labels", "warn")));
        book.put(WEB, List.of(entry("labels", "warn")));
        Map<String, Object> open = book.drain(ReportApi.openreports, 0).get(0).report();
        assertThat(open).containsEntry("kind", "ClusterReport");
        assertThat((Map<String, Object>) open.get("metadata")).doesNotContainKey("namespace");

        book.markAllDirty();
        List<ReportBook.Due> due = book.drain(ReportApi.wgpolicyk8s, 0);
        assertThat(due).extracting(d -> d.report().get("kind")).containsExactly("ClusterPolicyReport", "PolicyReport");
        assertThat(due.get(1).report())
                .containsEntry("apiVersion", "wgpolicyk8s.io/v1alpha2")
                .doesNotContainKeys("source", "configuration"); // not in the v1alpha2 schema
    }

    @Test
    void resourcesWithoutAUsableUidGetAStableHashedNameAndNoOwner() {
        ReportBook book = new ReportBook("trimtab-network-intents");
        ReportBook.Resource noUid = new ReportBook.Resource("v1", "Pod", "shop", "web", null);
        ReportBook.Resource badUid = new ReportBook.Resource("v1", "Pod", "shop", "web", "Not/A Name");
        assertThat(book.ref(noUid).name())
                .matches("trimtab-network-intents-[0-9a-f]{16}")
                .isEqualTo(book.ref(badUid).name())
                .isEqualTo(new ReportBook("trimtab-network-intents").ref(noUid).name());
        assertThat(book.ref(noUid).name())
                .as("another resource, another name")
                .isNotEqualTo(book.ref(new ReportBook.Resource("v1", "Pod", "shop", "db", null))
                        .name());
        assertThat(book.ref(WEB).name())
                .as("another book than the admission policies' prefixes the uid")
                .isEqualTo("trimtab-network-intents-" + UID);
        book.put(badUid, List.of(entry("x", "fail")));
        Map<String, Object> report = book.drain(ReportApi.openreports, 0).get(0).report();
        assertThat((Map<String, Object>) report.get("metadata")).doesNotContainKey("ownerReferences");
    }

    @Test
    void aDeletedResourcesReportIsDeletedAndARecreatedOneMovesToTheNewUid() {
        ReportBook book = new ReportBook();
        book.put(WEB, List.of(entry("no-latest", "fail")));
        book.drain(ReportApi.openreports, 0);
        ReportBook.Resource again =
                new ReportBook.Resource("v1", "Pod", "shop", "web", "1b7a4a9e-6f0b-4c31-9d55-2b1f4a0c7e11");
        assertThat(book.put(again, List.of(entry("no-latest", "fail"))))
                .as("the same results")
                .isEmpty();
        assertThat(book.drain(ReportApi.openreports, 0))
                .extracting(d -> d.ref().name() + ":" + (d.delete() ? "delete" : "write"))
                .containsExactly(UID + ":delete", again.uid() + ":write");
        book.remove(again);
        assertThat(book.drain(ReportApi.openreports, 0))
                .extracting(d -> d.ref().name() + ":" + (d.delete() ? "delete" : "write"))
                .containsExactly(again.uid() + ":delete");
        assertThat(book.expected()).isEmpty();
    }

    @Test
    void aFailedWriteOrDeleteIsDueAgain() {
        ReportBook book = new ReportBook();
        book.put(WEB, List.of(entry("no-latest", "fail")));
        ReportBook.Due write = book.drain(ReportApi.openreports, 0).get(0);
        book.markDirty(write);
        assertThat(book.drain(ReportApi.openreports, 0))
                .extracting(ReportBook.Due::delete)
                .containsExactly(false);
        book.remove(WEB);
        ReportBook.Due delete = book.drain(ReportApi.openreports, 0).get(0);
        assertThat(delete.delete()).isTrue();
        book.markDirty(delete);
        assertThat(book.drain(ReportApi.openreports, 0))
                .extracting(d -> d.ref().name() + ":" + d.delete())
                .containsExactly(UID + ":true");
    }

    @Test
    void theCapKeepsTheWorstResultsCountsAllInTheSummaryAndSaysHowManyWereLeftOut() {
        ReportBook book = new ReportBook(ReportBook.REPORT_NAME, 3);
        book.put(
                WEB,
                List.of(
                        entry("a", "pass"),
                        entry("b", "skip"),
                        entry("c", "fail"),
                        entry("d", "warn"),
                        entry("e", "error"),
                        entry("f", "pass")));
        ReportBook.Due due = book.drain(ReportApi.openreports, 0).get(0);
        assertThat(due.total()).isEqualTo(6);
        assertThat(due.omitted()).isEqualTo(3);
        List<Map<String, Object>> results =
                (List<Map<String, Object>>) due.report().get("results");
        assertThat(results).extracting(r -> r.get("result")).containsExactly("fail", "error", "warn");
        assertThat((Map<String, Object>) due.report().get("summary"))
                .isEqualTo(Map.of("pass", 2, "fail", 1, "warn", 1, "error", 1, "skip", 1));
        assertThat((Map<String, Object>) at(due.report(), "metadata", "annotations"))
                .containsEntry(ReportBook.OMITTED_ANNOTATION, "3");
        assertThatThrownBy(() -> new ReportBook("x", 0)).hasMessageContaining("maxResults: got 0");
    }

    @Test
    void aLongMessageIsCut() {
        ReportBook book = new ReportBook();
        book.put(WEB, List.of(new ReportBook.Entry("p", "r", "fail", "m".repeat(5000))));
        Map<String, Object> result = ((List<Map<String, Object>>)
                        book.drain(ReportApi.openreports, 0).get(0).report().get("results"))
                .get(0);
        assertThat((String) result.get("message"))
                .startsWith("m".repeat(ReportBook.MAX_MESSAGE_CHARS))
                .endsWith("… (3976 more characters)");
    }

    /** Any sequence of puts and removes: the reports written are exactly the resources with results, each bounded. */
    @Test
    void drainingAfterAnySequenceLeavesOneReportPerResourceWithResults() {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        ReportBook book = new ReportBook(ReportBook.REPORT_NAME, 4);
        Map<String, String> cluster = new TreeMap<>(); // ns/name of a report -> "present"
        List<ReportBook.Resource> pool = new ArrayList<>();
        IntStream.range(0, 6)
                .forEach(i -> pool.add(new ReportBook.Resource(
                        "v1",
                        "Pod",
                        i % 2 == 0 ? "a" : "",
                        "p" + i,
                        random.nextBoolean() ? null : "uid-" + random.nextInt(3) + "-" + i)));
        for (int step = 0; step < 300; step++) {
            ReportBook.Resource r = pool.get(random.nextInt(pool.size()));
            if (random.nextInt(4) == 0) {
                book.remove(r);
            } else {
                List<ReportBook.Entry> entries = new ArrayList<>();
                for (int k = random.nextInt(8); k > 0; k--) {
                    entries.add(entry(
                            "p" + random.nextInt(10),
                            List.of("pass", "fail", "warn").get(random.nextInt(3))));
                }
                book.put(r, entries);
            }
            if (random.nextInt(5) == 0) {
                for (ReportBook.Due d : book.drain(ReportApi.openreports, step)) {
                    String key = d.ref().namespace() + "/" + d.ref().name();
                    if (d.delete()) {
                        cluster.remove(key);
                    } else {
                        assertThat((List<?>) d.report().get("results"))
                                .as("seed %d", seed)
                                .hasSizeLessThanOrEqualTo(4);
                        cluster.put(key, "present");
                    }
                }
            }
        }
        for (ReportBook.Due d : book.drain(ReportApi.openreports, 0)) {
            String key = d.ref().namespace() + "/" + d.ref().name();
            if (d.delete()) {
                cluster.remove(key);
            } else {
                cluster.put(key, "present");
            }
        }
        assertThat(cluster.keySet()).as("seed %d", seed).isEqualTo(book.expected());
    }
}
