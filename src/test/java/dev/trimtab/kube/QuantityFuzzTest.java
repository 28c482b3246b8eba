package dev.trimtab.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.trimtab.testing.FuzzBounds;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Seeded random quantities, near the grammar and far from it: parsing is cheap whatever the text,
 * fails only with IllegalArgumentException, and agrees with an independent reading of the
 * grammar's valid forms. A failure prints the seed and the input; re-run with -Dquantity.seed=N.
 * The same contract, coverage-guided: {@link #parses} (Jazzer; seeds in
 * {@code QuantityFuzzTestInputs/parses/}, see docs/fuzzing.md).
 */
@Tag("fuzz") // its own JVM in the build (pom.xml, execution fuzz-regression)
class QuantityFuzzTest {
    private static final FuzzBounds PARSE =
            new FuzzBounds("Quantity.parseMilli and decimal", IllegalArgumentException.class);

    private static final String ALPHABET = "0123456789.+-eEinumkKMGTPi ";
    private static final String[] SUFFIXES = {
        "", "n", "u", "m", "k", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"
    };

    @Test
    void randomTextIsCheapAndFailsOnlyWithANamedError() {
        long seed = Long.getLong("quantity.seed", System.nanoTime());
        Random random = new Random(seed);
        assertTimeoutPreemptively(
                Duration.ofSeconds(20),
                () -> {
                    for (int i = 0; i < 200_000; i++) {
                        String text = i % 2 == 0 ? noise(random) : nearlyValid(random);
                        try {
                            long milli = Quantity.parseMilli(text);
                            BigDecimal exact = reference(text);
                            assertThat(exact)
                                    .as("seed %d: %s parsed to %d but is outside the grammar", seed, text, milli)
                                    .isNotNull();
                            assertThat(milli)
                                    .as("seed %d: %s", seed, text)
                                    .isEqualTo(exact.movePointRight(3)
                                            .setScale(0, RoundingMode.CEILING)
                                            .longValueExact());
                        } catch (IllegalArgumentException e) {
                            assertThat(e.getMessage())
                                    .as("seed %d: %s", seed, text)
                                    .isNotBlank()
                                    .hasSizeLessThan(300);
                            BigDecimal exact = reference(text);
                            if (exact != null) {
                                assertThat(e.getMessage())
                                        .as("seed %d: %s is in the grammar and bounds", seed, text)
                                        .contains("out of range");
                            }
                        } catch (RuntimeException e) {
                            throw new AssertionError("seed " + seed + ": " + text + " threw " + e, e);
                        }
                    }
                },
                () -> "seed " + seed);
    }

    /**
     * Any text (bytes read as ISO-8859-1, so every char up to U+00FF occurs): parsed cheaply or
     * rejected with an IllegalArgumentException; the value agrees with the grammar read as a
     * regular expression; {@link Quantity#formatMilli} reads back to the same value.
     */
    @FuzzTest(maxDuration = "10m")
    @DictionaryEntries({"Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "e-", "E+", "e100", "e-100", "9223372036854775807", "."})
    void parses(byte[] input) {
        String text = new String(input, StandardCharsets.ISO_8859_1);
        PARSE.check(text, () -> {
            BigDecimal exact = reference(text);
            long milli;
            try {
                milli = Quantity.parseMilli(text);
            } catch (IllegalArgumentException e) {
                assertThat(exact == null || e.getMessage().contains("out of range"))
                        .as("%s is in the grammar and bounds," + " rejected with: %s", text, e.getMessage())
                        .isTrue();
                throw e;
            }
            assertThat(exact)
                    .as("%s parsed to %d but is outside the grammar", text, milli)
                    .isNotNull();
            assertThat(milli)
                    .as(text)
                    .isEqualTo(exact.movePointRight(3)
                            .setScale(0, RoundingMode.CEILING)
                            .longValueExact());
            assertThat(Quantity.decimal(text)).as(text).isEqualByComparingTo(exact);
            assertThat(Quantity.parseMilli(Quantity.formatMilli(milli)))
                    .as("formatMilli(%d) read back", milli)
                    .isEqualTo(milli);
        });
    }

    @AfterAll
    static void figures() {
        System.out.println(PARSE.report());
    }

    private static String noise(Random r) {
        int n = r.nextInt(12);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(ALPHABET.charAt(r.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }

    private static String nearlyValid(Random r) {
        StringBuilder sb = new StringBuilder();
        if (r.nextInt(4) == 0) {
            sb.append(r.nextBoolean() ? '-' : '+');
        }
        sb.append(digits(r, r.nextInt(20)));
        if (r.nextBoolean()) {
            sb.append('.').append(digits(r, r.nextInt(12)));
        }
        if (r.nextInt(3) == 0) {
            sb.append(r.nextBoolean() ? 'e' : 'E');
            int pick = r.nextInt(3);
            sb.append(pick == 0 ? "" : pick == 1 ? "-" : "+")
                    .append(r.nextInt(4) == 0 ? digits(r, 1 + r.nextInt(11)) : Integer.toString(r.nextInt(130)));
        } else {
            sb.append(SUFFIXES[r.nextInt(SUFFIXES.length)]);
        }
        return sb.toString();
    }

    private static String digits(Random r, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append((char) ('0' + r.nextInt(10)));
        }
        return sb.toString();
    }

    /** The grammar and bounds read independently (a regular expression); null outside them. */
    private static BigDecimal reference(String text) {
        var m = Pattern.compile("([+-]?)([0-9]*)(?:\\.([0-9]*))?(|[numkMGTPE]|[KMGTPE]i|[eE]([+-]?[0-9]+))")
                .matcher(text);
        if (text.length() > Quantity.MAX_LENGTH
                || !m.matches()
                || (m.group(2).isEmpty() && (m.group(3) == null || m.group(3).isEmpty()))) {
            return null;
        }
        String mantissa = (m.group(2).isEmpty() ? "0" : m.group(2))
                + (m.group(3) == null || m.group(3).isEmpty() ? "" : "." + m.group(3));
        BigDecimal v = new BigDecimal(mantissa);
        String suffix = m.group(4);
        if (m.group(5) != null) {
            String e = m.group(5).replaceFirst("^[+-]", "").replaceFirst("^0+(?=.)", "");
            if (e.length() > 3 || Integer.parseInt(e) > Quantity.MAX_EXPONENT) {
                return null;
            }
            v = v.scaleByPowerOfTen(Integer.parseInt(m.group(5)));
        } else if (suffix.endsWith("i")) {
            v = v.multiply(BigDecimal.valueOf(2).pow(10 * (1 + "KMGTPE".indexOf(suffix.charAt(0)))));
        } else if (!suffix.isEmpty()) {
            v = v.scaleByPowerOfTen(
                    switch (suffix) {
                        case "n" -> -9;
                        case "u" -> -6;
                        case "m" -> -3;
                        case "k" -> 3;
                        case "M" -> 6;
                        case "G" -> 9;
                        case "T" -> 12;
                        case "P" -> 15;
                        default -> 18;
                    });
        }
        return "-".equals(m.group(1)) ? v.negate() : v;
    }
}
