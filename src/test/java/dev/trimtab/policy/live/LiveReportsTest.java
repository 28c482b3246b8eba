package dev.trimtab.policy.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trimtab.policy.core.ReportApi;
import dev.trimtab.policy.core.ReportBook;
import dev.trimtab.testing.Reports;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Per-resource reports in the fabric8 mock API server (CRUD mode), for both report APIs: created
 * per resource, updated on change, deleted with the resource, capped, swept after a new leader.
 */
@EnableKubernetesMockClient(crud = true)
class LiveReportsTest {
    static KubernetesClient client;

    static final ReportBook.Resource WEB = new ReportBook.Resource("v1", "Pod", "shop", "web", "aaaa-1");
    static final ReportBook.Resource DB = new ReportBook.Resource("v1", "Pod", "shop", "db", "bbbb-2");
    static final ReportBook.Resource NS = new ReportBook.Resource("v1", "Namespace", "", "shop", "cccc-3");

    static List<ReportBook.Entry> results(String... outcomes) {
        List<ReportBook.Entry> out = new ArrayList<>();
        for (int i = 0; i < outcomes.length; i++) {
            out.add(new ReportBook.Entry("policy-" + i, "validations[0]", outcomes[i], "message " + i));
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(ReportApi.class)
    void oneReportPerResourceCreatedUpdatedAndDeleted(ReportApi api) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        String book = "book-" + api;
        LiveReports reports =
                new LiveReports(book, client, registry, new ReportSettings(api.name(), 250, Duration.ZERO));
        reports.put(WEB, results("fail"));
        reports.put(DB, results("pass", "pass"));
        reports.put(NS, results("warn"));
        assertThat(reports.write()).isTrue();

        assertThat(Reports.all(client, api, book, "shop")).hasSize(2);
        JsonNode web = Reports.of(client, api, book, "Pod", "shop", "web");
        assertThat(web.path("kind").asText()).isEqualTo(api.kind);
        assertThat(web.at("/metadata/name").asText()).isEqualTo(book + "-aaaa-1");
        assertThat(web.at("/metadata/ownerReferences/0/uid").asText()).isEqualTo("aaaa-1");
        assertThat(web.at("/scope/uid").asText()).isEqualTo("aaaa-1");
        assertThat(web.at("/summary/fail").asInt()).isEqualTo(1);
        assertThat(Reports.of(client, api, book, "Pod", "shop", "db")
                        .at("/summary/pass")
                        .asInt())
                .isEqualTo(2);
        JsonNode ns = Reports.of(client, api, book, "Namespace", "", "shop");
        assertThat(ns.path("kind").asText()).isEqualTo(api.clusterKind);
        assertThat(ns.at("/summary/warn").asInt()).isEqualTo(1);

        // a change rewrites that resource's report only
        String dbVersion = Reports.of(client, api, book, "Pod", "shop", "db")
                .at("/metadata/resourceVersion")
                .asText();
        reports.put(WEB, results("pass"));
        assertThat(reports.write()).isTrue();
        assertThat(Reports.of(client, api, book, "Pod", "shop", "web").at("/summary"))
                .hasToString("{\"pass\":1,\"fail\":0,\"warn\":0,\"error\":0,\"skip\":0}");
        assertThat(Reports.of(client, api, book, "Pod", "shop", "db")
                        .at("/metadata/resourceVersion")
                        .asText())
                .isEqualTo(dbVersion);

        // a deleted resource's report goes
        reports.remove(DB);
        assertThat(reports.write()).isTrue();
        assertThat(Reports.of(client, api, book, "Pod", "shop", "db")).isNull();
        assertThat(Reports.all(client, api, book, "shop")).hasSize(1);
        assertThat(registry.counter("trimtab_policy_report_writes_total", "report", book, "result", "ok")
                        .count())
                .as("3 created, 1 updated, 1 deleted")
                .isEqualTo(5);
    }

    @ParameterizedTest
    @EnumSource(ReportApi.class)
    void aReportOverTheCapHoldsTheWorstResultsAndTheOmissionIsCounted(ReportApi api) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        String book = "capped-" + api;
        LiveReports reports = new LiveReports(book, client, registry, new ReportSettings(api.name(), 2, Duration.ZERO));
        reports.put(WEB, results("pass", "pass", "fail", "pass", "warn"));
        assertThat(reports.write()).isTrue();
        JsonNode web = Reports.of(client, api, book, "Pod", "shop", "web");
        assertThat(web.path("results")).hasSize(2);
        assertThat(web.path("results").findValuesAsText("result")).containsExactly("fail", "warn");
        assertThat(web.at("/summary/pass").asInt()).isEqualTo(3);
        assertThat(web.at("/metadata/annotations")
                        .path(ReportBook.OMITTED_ANNOTATION)
                        .asText())
                .isEqualTo("3");
        assertThat(registry.counter("trimtab_policy_report_results_omitted_total", "report", book)
                        .count())
                .isEqualTo(3);
    }

    @ParameterizedTest
    @EnumSource(ReportApi.class)
    void aNewLeaderSweepsReportsOfResourcesItNoLongerHolds(ReportApi api) {
        String book = "swept-" + api;
        LiveReports old = new LiveReports(
                book, client, new SimpleMeterRegistry(), new ReportSettings(api.name(), 250, Duration.ZERO));
        old.put(WEB, results("fail"));
        old.put(NS, results("fail"));
        assertThat(old.write()).isTrue();
        // the new leader has seen only db: web and the namespace were deleted meanwhile, without uid no owner GC
        LiveReports fresh = new LiveReports(
                book, client, new SimpleMeterRegistry(), new ReportSettings(api.name(), 250, Duration.ZERO));
        fresh.put(DB, results("pass"));
        fresh.rewriteAll();
        assertThat(fresh.write()).isTrue();
        assertThat(Reports.all(client, api, book, "shop"))
                .extracting(r -> r.getMetadata().getName())
                .containsExactly(book + "-bbbb-2");
        assertThat(Reports.all(client, api, book, "")).isEmpty();
    }

    @Test
    void badSettingsAreRefusedNamingThePropertyAndTheValue() {
        assertThat(new ReportSettings("openreports", 250, Duration.ofSeconds(60)).api())
                .isEqualTo(ReportApi.openreports);
        assertThat(new ReportSettings(" wgpolicyk8s ", 1, Duration.ZERO).api()).isEqualTo(ReportApi.wgpolicyk8s);
        assertThatThrownBy(() -> new ReportSettings("policyreports", 250, Duration.ZERO))
                .hasMessage("trimtab.policy.reports.api: got \"policyreports\", expected openreports or wgpolicyk8s");
        assertThatThrownBy(() -> new ReportSettings("openreports", 0, Duration.ZERO))
                .hasMessage("trimtab.policy.reports.max-results: got 0, expected 1 to 5000");
        assertThatThrownBy(() -> new ReportSettings("openreports", 5001, Duration.ZERO))
                .hasMessageContaining("got 5001");
        assertThatThrownBy(() -> new ReportSettings("openreports", 250, Duration.ofSeconds(-1)))
                .hasMessageStartingWith("trimtab.policy.reports.sweep-delay: got PT-1S");
    }
}
