package dev.trimtab.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeededTest {
    @Test
    void aFailureNamesItsSeedAndHowToRerunIt() {
        assertThatThrownBy(() ->
                        Seeded.forAll(50, g -> assertThat(g.between(0, 9)).isLessThan(9)))
                .isInstanceOf(AssertionError.class)
                .hasMessageMatching("(?s)property failed for seed (\\d+) \\(rerun it alone with -Dtrimtab.seed=\\1 "
                        + "-Dtrimtab.tries=1\\): .*");
    }

    @Test
    void theSameSeedsDrawTheSameValues() {
        List<Integer> first = new ArrayList<>();
        List<Integer> second = new ArrayList<>();
        Seeded.forAll(20, g -> first.addAll(g.list(0, 5, r -> r.between(-3, 3))));
        Seeded.forAll(20, g -> second.addAll(g.list(0, 5, r -> r.between(-3, 3))));
        assertThat(first)
                .isEqualTo(second)
                .isNotEmpty()
                .allSatisfy(v -> assertThat(v).isBetween(-3, 3));
    }
}
