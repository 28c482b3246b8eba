package dev.trimtab.auth.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LimitsTest {
    static final Limits LIMITS = new Limits(65536, 8 << 20, 3 << 20, 8 << 20, 10_000, Duration.ofSeconds(10), 4, 16);

    @Test
    void bodiesAreBoundedPerSurface() {
        assertThat(LIMITS.bodyTooLarge(Surface.Query, 65536)).isNull();
        assertThat(LIMITS.bodyTooLarge(Surface.Query, 65537))
                .isEqualTo("request body of 65537 bytes is more than "
                        + "the 65536 bytes allowed here (trimtab.limits.query.max-body-size=65536)");
        assertThat(LIMITS.bodyTooLarge(Surface.Push, 4 << 20)).contains("trimtab.limits.push.max-body-size=3145728");
        assertThat(LIMITS.bodyTooLarge(Surface.Extender, 8 << 20)).isNull();
        assertThat(LIMITS.bodyTooLarge(Surface.Admission, Long.MAX_VALUE))
                .as("the API server bounds it")
                .isNull();
    }

    @Test
    void theMatrixIsBoundedByItsPairs() {
        assertThat(LIMITS.matrixTooLarge(100)).isNull();
        assertThat(LIMITS.matrixTooLarge(101))
                .isEqualTo("namespace: the matrix of the 101 pods selected would be "
                        + "10201 pairs, more than trimtab.limits.network.matrix-max-pairs=10000 (at most 100 pods); narrow it "
                        + "with namespace=NS");
        assertThat(LIMITS.matrixTooLarge(100_000)).as("no int overflow").contains("10000000000 pairs");
    }

    @Test
    void settingsThatCannotWorkAreNamed() {
        assertThat(new Limits(0, 1, 1, 1, 1, Duration.ZERO, 0, -1).problems())
                .containsExactly(
                        "trimtab.limits.query.max-body-size: 0, must be more than 0",
                        "trimtab.limits.query.concurrency: 0, must be more than 0",
                        "trimtab.limits.query.queue: -1, must be at least 0",
                        "trimtab.limits.query.timeout: PT0S, must be more than 0s");
        assertThat(LIMITS.problems()).isEmpty();
    }
}
