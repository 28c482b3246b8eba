package dev.trimtab.policy.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trimtab.policy.core.AdmissionRequest.Gvk;
import dev.trimtab.policy.core.AdmissionRequest.Gvr;
import dev.trimtab.policy.load.PolicyDirectory;
import dev.trimtab.policy.load.PolicyParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code matchPolicy}: Kubernetes' own matcher cases (matcher-cases.yaml, carried over from
 * TestMatcher) run through a binding's {@code matchResources} as Trimtab parses it. Issue 19 item 3.
 */
class MatchPolicyTest {
    private static final JsonNode DATA = load();
    private static final EquivalentResources UPSTREAM = registry(DATA.path("registry"));

    private static JsonNode load() {
        try (InputStream in = MatchPolicyTest.class.getResourceAsStream("matcher-cases.yaml")) {
            return PolicyDirectory.YAML.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Gvr gvr(String s) {
        String[] p = s.split("/", -1);
        return new Gvr(p[0], p[1], p[2]);
    }

    static Gvk gvk(String s) {
        String[] p = s.split("/", -1);
        return new Gvk(p[0], p[1], p[2]);
    }

    private static EquivalentResources registry(JsonNode entries) {
        EquivalentResources.Builder b = EquivalentResources.builder();
        for (JsonNode e : entries) {
            b.register(
                    e.path("identity").asText(),
                    false,
                    gvr(e.path("resource").asText()),
                    e.path("subresource").asText(""),
                    gvk(e.path("kind").asText()));
        }
        return b.build();
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        DATA.path("cases").forEach(c -> out.add(Arguments.of(c.path("name").asText(), c)));
        return out.stream();
    }

    /** A request as upstream's NewAttributesRecord makes it: namespace "ns", name "name", CREATE, no objects. */
    static AdmissionRequest request(Gvr resource, String subresource, Gvk kind) {
        return new AdmissionRequest(
                "u",
                kind,
                resource,
                subresource,
                null,
                null,
                null,
                "name",
                "ns",
                "CREATE",
                null,
                false,
                null,
                null,
                null);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void upstreamMatcherCases(String name, JsonNode c) throws Exception {
        ObjectNode binding = (ObjectNode) PolicyDirectory.YAML.readTree("""
                apiVersion: admissionregistration.k8s.io/v1
                kind: ValidatingAdmissionPolicyBinding
                metadata: {name: b}
                spec: {policyName: p, validationActions: [Deny]}
                """);
        ((ObjectNode) binding.get("spec")).set("matchResources", c.path("match"));
        MatchResources match = PolicyParser.binding(binding).matchResources();
        JsonNode r = c.path("request");
        AdmissionRequest request = request(
                gvr(r.path("resource").asText()),
                r.path("subresource").asText(""),
                gvk(r.path("kind").asText()));
        JsonNode expect = c.path("expect");
        if (expect.has("error")) {
            assertThatThrownBy(() -> match.match(request, Map::of, UPSTREAM))
                    .isInstanceOf(MatchResources.UnknownKind.class)
                    .hasMessage(expect.path("error").asText());
            return;
        }
        MatchResources.Match m = match.match(request, Map::of, UPSTREAM);
        assertThat(m != null).as("matches").isEqualTo(expect.path("matches").asBoolean());
        if (m != null) {
            assertThat(m.resource())
                    .as("matched resource")
                    .isEqualTo(
                            expect.has("resource") ? gvr(expect.path("resource").asText()) : request.resource());
            if (expect.has("kind")) {
                assertThat(m.kind())
                        .as("matched kind")
                        .isEqualTo(gvk(expect.path("kind").asText()));
            }
        }
    }

    @Test
    void theRequestAsMadeIsMatchedNotTheVersionAWebhookWasSent() {
        // the API server sent Trimtab's webhook the apps/v1beta1 object of an apps/v1 request
        AdmissionRequest r = new AdmissionRequest(
                "u",
                gvk("apps/v1beta1/Deployment"),
                gvr("apps/v1beta1/deployments"),
                "",
                gvk("apps/v1/Deployment"),
                gvr("apps/v1/deployments"),
                "",
                "name",
                "ns",
                "CREATE",
                null,
                false,
                null,
                Map.of("apiVersion", "apps/v1beta1", "kind", "Deployment"),
                null);
        MatchResources exactV1 = new MatchResources(
                null,
                null,
                List.of(new ResourceRule(
                        null, List.of("*"), List.of("apps"), List.of("v1"), List.of("deployments"), null)),
                null,
                false);
        assertThat(exactV1.match(r, Map::of, UPSTREAM))
                .isEqualTo(new MatchResources.Match(gvr("apps/v1/deployments"), gvk("apps/v1/Deployment")));
    }

    @Test
    void builtInEquivalentsAreEventsAndHorizontalPodAutoscalers() {
        EquivalentResources b = EquivalentResources.BUILT_IN;
        assertThat(b.equivalents(gvr("/v1/events"), ""))
                .containsExactly(gvr("/v1/events"), gvr("events.k8s.io/v1/events"));
        assertThat(b.equivalents(gvr("autoscaling/v1/horizontalpodautoscalers"), "status"))
                .containsExactly(
                        gvr("autoscaling/v2/horizontalpodautoscalers"), gvr("autoscaling/v1/horizontalpodautoscalers"));
        assertThat(b.kindFor(gvr("events.k8s.io/v1/events"), "")).isEqualTo(gvk("events.k8s.io/v1/Event"));
        assertThat(b.equivalents(gvr("apps/v1/deployments"), "")).containsExactly(gvr("apps/v1/deployments"));
        assertThatThrownBy(() -> b.convert(
                        Map.of("apiVersion", "autoscaling/v1"),
                        gvr("autoscaling/v1/horizontalpodautoscalers"),
                        gvk("autoscaling/v1/HorizontalPodAutoscaler"),
                        gvr("autoscaling/v2/horizontalpodautoscalers"),
                        gvk("autoscaling/v2/HorizontalPodAutoscaler")))
                .isInstanceOf(EquivalentResources.ConversionException.class)
                .hasMessage("Trimtab cannot convert autoscaling/v1 HorizontalPodAutoscaler to autoscaling/v2 "
                        + "HorizontalPodAutoscaler (that conversion is the API server's or a conversion webhook's)");
    }

    static Map<String, Object> crd(String conversion, boolean v1beta1Served) {
        Map<String, Object> spec = new LinkedHashMap<>(Map.of(
                "group",
                "stable.example.com",
                "names",
                Map.of("plural", "crontabs", "kind", "CronTab"),
                "versions",
                List.of(
                        Map.of(
                                "name",
                                "v2",
                                "served",
                                true,
                                "storage",
                                true,
                                "subresources",
                                Map.of("status", Map.of(), "scale", Map.of())),
                        Map.of("name", "v1", "served", true, "storage", false),
                        Map.of("name", "v1beta1", "served", v1beta1Served, "storage", false))));
        if (conversion != null) {
            spec.put("conversion", Map.of("strategy", conversion));
        }
        return Map.of(
                "apiVersion",
                "apiextensions.k8s.io/v1",
                "kind",
                "CustomResourceDefinition",
                "metadata",
                Map.of("name", "crontabs.stable.example.com"),
                "spec",
                spec);
    }

    @Test
    void everyServedVersionOfACrdIsEquivalentAndConversionNoneChangesTheApiVersionOnly() {
        EquivalentResources e = EquivalentResources.BUILT_IN.withCrds(List.of(crd(null, false)));
        assertThat(e.equivalents(gvr("stable.example.com/v1/crontabs"), ""))
                .containsExactly(gvr("stable.example.com/v2/crontabs"), gvr("stable.example.com/v1/crontabs"));
        assertThat(e.equivalents(gvr("stable.example.com/v2/crontabs"), "scale"))
                .as("only v2 serves the scale subresource")
                .containsExactly(gvr("stable.example.com/v2/crontabs"));
        assertThat(e.kindFor(gvr("stable.example.com/v2/crontabs"), "scale")).isEqualTo(gvk("autoscaling/v1/Scale"));
        Map<String, Object> v1 =
                Map.of("apiVersion", "stable.example.com/v1", "kind", "CronTab", "spec", Map.of("a", 1));
        assertThat(e.convert(
                        v1,
                        gvr("stable.example.com/v1/crontabs"),
                        gvk("stable.example.com/v1/CronTab"),
                        gvr("stable.example.com/v2/crontabs"),
                        gvk("stable.example.com/v2/CronTab")))
                .isEqualTo(Map.of("apiVersion", "stable.example.com/v2", "kind", "CronTab", "spec", Map.of("a", 1)));

        EquivalentResources webhook = EquivalentResources.BUILT_IN.withCrds(List.of(crd("Webhook", true)));
        assertThat(webhook.equivalents(gvr("stable.example.com/v1beta1/crontabs"), ""))
                .hasSize(3);
        assertThatThrownBy(() -> webhook.convert(
                        v1,
                        gvr("stable.example.com/v1/crontabs"),
                        gvk("stable.example.com/v1/CronTab"),
                        gvr("stable.example.com/v2/crontabs"),
                        gvk("stable.example.com/v2/CronTab")))
                .isInstanceOf(EquivalentResources.ConversionException.class)
                .hasMessageContaining(
                        "Trimtab cannot convert stable.example.com/v1 CronTab to stable.example.com/v2 CronTab");
    }
}
