package dev.trimtab.placement.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The default spreading's selector, built as upstream's {@code helper.DefaultSelector} (cases: placement/default_selector.yaml). */
class DefaultSelectorTest {
    @SuppressWarnings("unchecked")
    static Stream<Arguments> cases() throws IOException {
        try (InputStream in = DefaultSelectorTest.class.getResourceAsStream("/placement/default_selector.yaml")) {
            Map<String, Object> doc = new ObjectMapper(new YAMLFactory()).readValue(in, Map.class);
            return ((List<Object>) doc.get("cases"))
                    .stream().map(c -> (Map<String, Object>) c).map(c -> Arguments.of(c.get("name"), c));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void selector(String name, Map<String, Object> c) {
        Snapshot snapshot = Objects.snapshot(c);
        DefaultSelector got = snapshot.defaultSelector(Objects.incoming(c));
        assertThat(got.empty() ? "" : got.selector().toString()).isEqualTo(c.get("want"));
        assertThat(got.sources()).isEqualTo(c.get("sources"));
    }

    private static Map<String, Object> service(String name, Map<String, Object> spec) {
        return Map.of(
                "apiVersion",
                "v1",
                "kind",
                "Service",
                "metadata",
                Map.of("namespace", "shop", "name", name),
                "spec",
                spec);
    }

    private static PodInfo pod(Map<String, String> labels) {
        return PodInfo.fromMap(
                Map.of("metadata", Map.of("namespace", "shop", "name", "p", "labels", labels), "spec", Map.of()));
    }

    @Test
    void updatesAndDeletesChangeTheSelectorAtOnce() {
        Snapshot s = new Snapshot();
        PodInfo web = pod(Map.of("app", "web", "tier", "fe"));
        assertThat(s.defaultSelector(web).empty()).isTrue();
        s.upsertWorkload(service("web", Map.of("selector", Map.of("app", "web"))));
        assertThat(s.defaultSelector(web).selector().toString()).isEqualTo("app=web");
        s.upsertWorkload(service("web", Map.of("selector", Map.of("app", "web", "tier", "fe"))));
        assertThat(s.defaultSelector(web).selector().toString()).isEqualTo("app=web,tier=fe");
        s.upsertWorkload(service("web", Map.of("selector", Map.of("app", "api"))));
        assertThat(s.defaultSelector(web).empty()).isTrue();
        assertThat(s.workloadCount()).isEqualTo(1);
        assertThat(s.deleteWorkload("Service", "shop", "web")).isTrue();
        assertThat(s.deleteWorkload("Service", "shop", "web")).isFalse();
        assertThat(s.workloadCount()).isZero();
    }

    @Test
    void aMalformedSelectorIsRejectedNamingTheFieldAndTheOldOneIsForgotten() {
        Snapshot s = new Snapshot();
        s.upsertWorkload(service("web", Map.of("selector", Map.of("app", "web"))));
        assertThatThrownBy(() -> s.upsertWorkload(service("web", Map.of("selector", Map.of("app", 5L)))))
                .hasMessage("Service shop/web: spec.selector.app: got 5, want a string");
        assertThat(s.defaultSelector(pod(Map.of("app", "web"))).empty()).isTrue();
        Map<String, Object> rs = Map.of(
                "apiVersion",
                "apps/v1",
                "kind",
                "ReplicaSet",
                "metadata",
                Map.of("namespace", "shop", "name", "rs"),
                "spec",
                Map.of("selector", Map.of("matchExpressions", List.of(Map.of("key", "app", "operator", "Has")))));
        assertThatThrownBy(() -> s.upsertWorkload(rs))
                .hasMessage("ReplicaSet shop/rs: spec.selector.matchExpressions[0]"
                        + ".operator: got \"Has\", want In, NotIn, Exists or DoesNotExist");
        Map<String, Object> noName = Map.of("kind", "StatefulSet", "metadata", Map.of("namespace", "shop"));
        assertThatThrownBy(() -> s.upsertWorkload(noName))
                .hasMessage("StatefulSet shop/<unnamed>: metadata.name: required");
    }

    @Test
    void aMalformedOwnerReferenceIsRejectedNamingTheField() {
        Map<String, Object> pod = Map.of(
                "metadata",
                Map.of(
                        "namespace",
                        "shop",
                        "name",
                        "p",
                        "ownerReferences",
                        List.of(Map.of("apiVersion", "apps/v1", "kind", "ReplicaSet", "controller", "yes"))),
                "spec",
                Map.of());
        assertThatThrownBy(() -> PodInfo.fromMap(pod))
                .hasMessage("Pod shop/p: metadata.ownerReferences[0].controller: got \"yes\", want true or false");
    }
}
