package dev.trimtab.placement.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trimtab.autoscaler.replay.ReplayCommand;
import dev.trimtab.placement.PlacementSettings;
import dev.trimtab.placement.core.Profile;
import dev.trimtab.placement.core.ScoringStrategy;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** {@code replay FILE} drives placement: Node and Pod events in, one placement decision per pending pod of Trimtab's scheduler. */
class PlacementReplayTest {
    record Run(int status, String out, String err) {}

    static Run replay(String trace) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ReplayCommand.run(
                new String[] {"-"},
                new ByteArrayInputStream(trace.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theExampleTracePlacesEachPendingTrimtabPodAndExplainsEveryNode() throws Exception {
        Run r = replay(Files.readString(Path.of("examples/placement.jsonl")));
        assertThat(r.status()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).isEqualTo(Files.readString(Path.of("examples/placement.expected.jsonl")));
        // the pod of the default scheduler is not ours; the pod too big for any node gets the scheduler's message
        assertThat(r.out())
                .doesNotContain("other-1")
                .contains(
                        "\"node\":null,\"reason\":\"Unschedulable\",\"message\":\"0/3 nodes are available: 1 node(s) had "
                                + "untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu.");
    }

    @Test
    void aMalformedNodeIsRejectedByLineAndTheRestIsPlaced() throws Exception {
        String good = Files.readString(Path.of("examples/placement.jsonl"));
        String bad =
                "{\"specversion\":\"1.0\",\"id\":\"bad\",\"source\":\"/apiserver\",\"type\":\"dev.knative.apiserver.resource.add\","
                        + "\"time\":\"2026-11-28T12:00:00Z\",\"data\":{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"n\"},"
                        + "\"status\":{\"allocatable\":{\"cpu\":\"lots\"}}}}\n";
        Run r = replay(bad + good);
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err())
                .startsWith("line 1: ")
                .contains("Node n")
                .contains("status.allocatable.cpu")
                .contains("lots");
        assertThat(r.out()).isEqualTo(Files.readString(Path.of("examples/placement.expected.jsonl")));
    }

    @Test
    void settingsBuildTheProfileAndNameABadValue() {
        Properties p = new Properties();
        assertThat(PlacementSettings.profile(p).scoreWeights())
                .isEqualTo(Profile.defaults().scoreWeights());
        assertThat(PlacementSettings.profile(p).schedulerName()).isEqualTo("trimtab");
        p.setProperty("trimtab.placement.scoring-strategy", "MostAllocated");
        p.setProperty("trimtab.placement.disabled", "ImageLocality");
        p.setProperty("trimtab.placement.weight.NodeAffinity", "5");
        Profile profile = PlacementSettings.profile(p);
        assertThat(profile.scoringStrategy().type()).isEqualTo(ScoringStrategy.Type.MostAllocated);
        assertThat(profile.scoreWeights()).doesNotContainKey("ImageLocality").containsEntry("NodeAffinity", 5);
        p.setProperty("trimtab.placement.scoring-strategy", "Fastest");
        assertThatThrownBy(() -> PlacementSettings.profile(p))
                .hasMessage("trimtab.placement.scoring-strategy: got "
                        + "\"Fastest\", want LeastAllocated, MostAllocated or RequestedToCapacityRatio");
    }
}
