package dev.trimtab.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** client-go reflector's backoff: the base doubles from initial to max, each delay adds up to 100 % jitter. */
class BackoffTest {
    @Test
    void delaysDoubleUpToTheCapWithJitterOnTop() {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        for (int run = 0; run < 200; run++) {
            long initial = 1 + random.nextInt(1000);
            long max = initial + random.nextInt(60_000);
            Backoff b = new Backoff(Duration.ofMillis(initial), Duration.ofMillis(max), new Random(random.nextLong()));
            long base = initial;
            for (int attempt = 0; attempt < 30; attempt++) {
                long d = b.next();
                assertThat(d).as("seed %d, attempt %d", seed, attempt).isBetween(base, 2 * base);
                base = Math.min(max, base * 2);
            }
            b.reset();
            assertThat(b.next())
                    .as("seed %d: after a success it starts again", seed)
                    .isBetween(initial, 2 * initial);
        }
    }

    @Test
    void settingsAreChecked() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), new Random(1)))
                .hasMessageContaining("initial PT0S must be positive");
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), new Random(1)))
                .hasMessageContaining("at most max PT1S");
    }
}
