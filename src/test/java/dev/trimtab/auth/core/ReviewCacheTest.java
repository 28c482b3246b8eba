package dev.trimtab.auth.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReviewCacheTest {
    static final Instant T0 = Instant.parse("2026-12-06T08:00:00Z");

    @Test
    void entriesExpireAtTheirInstant() {
        ReviewCache<String, String> c = new ReviewCache<>(10);
        c.put("a", "A", T0, T0.plusSeconds(10));
        assertThat(c.get("a", T0.plusSeconds(9))).isEqualTo("A");
        assertThat(c.get("a", T0.plusSeconds(10))).isNull();
        assertThat(c.size()).isZero();
    }

    @Test
    void theLeastRecentlyUsedGoesWhenFull() {
        ReviewCache<String, String> c = new ReviewCache<>(2);
        c.put("a", "A", T0, T0.plusSeconds(10));
        c.put("b", "B", T0, T0.plusSeconds(10));
        c.get("a", T0);
        c.put("c", "C", T0, T0.plusSeconds(10));
        assertThat(c.get("b", T0)).isNull();
        assertThat(c.get("a", T0)).isEqualTo("A");
        assertThat(c.get("c", T0)).isEqualTo("C");
    }

    @Test
    void aZeroTtlOrSizeKeepsNothing() {
        ReviewCache<String, String> c = new ReviewCache<>(2);
        c.put("a", "A", T0, T0);
        assertThat(c.size()).isZero();
        ReviewCache<String, String> none = new ReviewCache<>(0);
        none.put("a", "A", T0, T0.plusSeconds(1));
        assertThat(none.get("a", T0)).isNull();
    }
}
