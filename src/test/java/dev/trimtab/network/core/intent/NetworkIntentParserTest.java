package dev.trimtab.network.core.intent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trimtab.kube.LabelSelector;
import dev.trimtab.network.core.Direction;
import dev.trimtab.network.core.Port;
import dev.trimtab.network.core.Protocol;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Reading NetworkIntents: the three rule kinds as written in the docs, and every error with its field path. */
class NetworkIntentParserTest {

    @SuppressWarnings("unchecked")
    static Stream<Arguments> errorCases() {
        try (var in = NetworkIntentParserTest.class.getResourceAsStream("/network/intents/errors.yaml")) {
            List<Map<String, Object>> cases = IntentData.YAML.readValue(in, List.class);
            return cases.stream().map(c -> Arguments.of(c.get("name"), c.get("intent"), c.get("errors")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("errorCases")
    void everyProblemIsNamedWithItsPath(String name, Map<String, Object> intent, List<String> errors) {
        NetworkIntent.Parsed parsed = NetworkIntent.fromObjects(List.of(intent));
        assertThat(parsed.intents()).isEmpty();
        assertThat(parsed.errors()).containsExactlyElementsOf(errors);
    }

    @Test
    void theThreeKindsAsDocumented() {
        NetworkIntent.Parsed parsed = NetworkIntent.fromObjects(IntentDocs.examples());
        assertThat(parsed.errors()).isEmpty();
        assertThat(parsed.intents()).extracting(NetworkIntent::name).containsExactly("baseline", "metrics", "tenancy");
        LabelSelector teamA = new LabelSelector(Map.of("team", "a"), List.of());
        assertThat(parsed.intents().get(0))
                .isEqualTo(new NetworkIntent(
                        "baseline",
                        NetworkIntent.Mode.Enforce,
                        List.of(new IntentRule.DefaultDeny(teamA, Set.of(Direction.Ingress, Direction.Egress), true))));
        assertThat(parsed.intents().get(1))
                .isEqualTo(new NetworkIntent(
                        "metrics",
                        NetworkIntent.Mode.Audit,
                        List.of(new IntentRule.OnlyFrom(
                                null,
                                new LabelSelector(Map.of("app", "web"), List.of()),
                                new Port(9090, Protocol.TCP),
                                List.of(new IntentRule.Source(
                                        new LabelSelector(
                                                Map.of("kubernetes.io/metadata.name", "monitoring"), List.of()),
                                        null))))));
        assertThat(parsed.intents().get(2).rules())
                .containsExactly(new IntentRule.Deny(new LabelSelector(Map.of("team", "b"), List.of()), teamA));
    }

    @Test
    void otherKindsAndGroupsAreIgnored() {
        NetworkIntent.Parsed parsed = NetworkIntent.fromObjects(List.of(
                Map.of("apiVersion", "example.com/v1", "kind", "NetworkIntent", "metadata", Map.of("name", "x")),
                Map.of("apiVersion", "trimtab.dev/v1alpha1", "kind", "RbacIntent", "metadata", Map.of("name", "y"))));
        assertThat(parsed.intents()).isEmpty();
        assertThat(parsed.errors()).isEmpty();
    }
}
