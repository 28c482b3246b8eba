package dev.trimtab.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Property tests on plain JUnit 5: a property is checked for {@code tries} seeded generators; a
 * failure names its seed and the flags that rerun just that case
 * ({@code -Dtrimtab.seed=S -Dtrimtab.tries=1}). Without flags the seeds are 0, 1, 2, ..., so CI is
 * reproducible; {@code -Dtrimtab.seed=S} alone starts the run at S (a longer, different search with
 * {@code -Dtrimtab.tries=N}).
 */
public final class Seeded {
    private Seeded() {}

    /** Checks one case. */
    @FunctionalInterface
    public interface Check {
        void check(Gen g) throws Exception;
    }

    /** Runs {@code check} for {@code tries} seeds (or the flags' ones). */
    public static void forAll(int tries, Check check) {
        long first = Long.getLong("trimtab.seed", 0L);
        int n = Integer.getInteger("trimtab.tries", tries);
        for (long seed = first; seed < first + n; seed++) {
            try {
                check.check(new Gen(seed));
            } catch (Throwable e) {
                throw new AssertionError(
                        "property failed for seed " + seed + " (rerun it alone with -Dtrimtab.seed=" + seed
                                + " -Dtrimtab.tries=1): " + e.getMessage(),
                        e);
            }
        }
    }

    /** A seeded generator of the values the properties draw. */
    public static final class Gen {
        private final SplittableRandom random;

        Gen(long seed) {
            this.random = new SplittableRandom(seed);
        }

        /** An int in [min, max]. */
        public int between(int min, int max) {
            return random.nextInt(min, max + 1);
        }

        public boolean bool() {
            return random.nextBoolean();
        }

        /** True with this probability. */
        public boolean chance(double probability) {
            return random.nextDouble() < probability;
        }

        @SafeVarargs
        public final <T> T oneOf(T... values) {
            return values[random.nextInt(values.length)];
        }

        /** A list of [min, max] elements, each drawn by {@code element}. */
        public <T> List<T> list(int min, int max, Function<Gen, T> element) {
            int size = between(min, max);
            List<T> out = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                out.add(element.apply(this));
            }
            return out;
        }
    }
}
