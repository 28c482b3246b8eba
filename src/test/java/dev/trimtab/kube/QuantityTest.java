package dev.trimtab.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class QuantityTest {
    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

    @ParameterizedTest(name = "{0} = {1} milli")
    @CsvSource({
        "300m,300",
        "1,1000",
        "1.5,1500",
        "0.1,100",
        "2Ki,2048000",
        "1Gi,1073741824000",
        "1k,1000000",
        "1e3,1000000",
        "1E-3,1",
        "100n,1",
        "1u,1",
        "0,0",
        "-1,-1000",
        ".5,500",
        "1.0001,1001",
        "1.,1000",
        "1.e3,1000000",
        "1e+3,1000000",
        "1e-100,1",
        "-1e-100,0",
        "1e15,1000000000000000000",
        "9223372036854775.807,9223372036854775807",
        "-9223372036854775.807,-9223372036854775807",
        "8Pi,9007199254740992000"
    })
    void parsesToMilliRoundingUp(String text, long milli) {
        assertThat(Quantity.parseMilli(text)).isEqualTo(milli);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "lots",
                "1.2.3",
                "5 m",
                "1KB",
                "--1",
                " 1",
                "1 ",
                ".",
                "-",
                "+",
                "-.",
                "1e",
                "1e+",
                "1K",
                "1ki",
                "1e3Ki",
                "1m3",
                "1e1.5",
                "Infinity",
                "NaN",
                "0x10"
            })
    void rejectsWhatIsNotAQuantity(String text) {
        assertThatThrownBy(() -> Quantity.parseMilli(text))
                .hasMessageContaining("\"" + text + "\" is not a Kubernetes quantity");
    }

    /** Inputs that cost minutes and gigabytes before the bounds, each rejected quickly with its value named. */
    static Stream<Arguments> bombs() {
        return Stream.of(
                Arguments.of("1e-100000000", "the exponent -100000000 is out of range"),
                Arguments.of("1e999999999", "the exponent 999999999 is out of range"),
                Arguments.of("1E+2147483648", "the exponent +2147483648 is out of range"),
                Arguments.of("1e4294967296", "the exponent 4294967296 is out of range"), // upstream wraps this to 1
                Arguments.of("0e999999999", "the exponent 999999999 is out of range"),
                Arguments.of("1e101", "the exponent 101 is out of range"),
                Arguments.of("9223372036854775807Ei", "is out of range: at most 9223372036854775.807"),
                Arguments.of("9Ei", "is out of range"),
                Arguments.of("1e100", "is out of range"),
                Arguments.of("9223372036854776", "is out of range"),
                Arguments.of("-9223372036854776", "is out of range"),
                Arguments.of("9".repeat(100), "is out of range"),
                Arguments.of("9".repeat(101), "is 101 characters long; at most 100"),
                Arguments.of("1".repeat(10_000_000) + "e-1", "is 10000003 characters long"),
                Arguments.of("0." + "0".repeat(5_000_000) + "1", "characters long"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("bombs")
    void boundsRejectQuantityBombsQuickly(String text, String message) {
        assertTimeoutPreemptively(BOUND, () -> {
            assertThatThrownBy(() -> Quantity.parseMilli(text))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(message)
                    .message()
                    .hasSizeLessThan(300);
            if (message.contains("exponent")
                    || message.contains("characters long")) { // not a matter of the milli range
                assertThatThrownBy(() -> Quantity.decimal(text)).hasMessageContaining(message);
            }
        });
    }

    @Test
    void theSmallestAndLargestExponentsStayCheap() {
        assertTimeoutPreemptively(BOUND, () -> {
            assertThat(Quantity.decimal("1e100")).isEqualByComparingTo(BigDecimal.ONE.scaleByPowerOfTen(100));
            assertThat(Quantity.decimal("-" + "9".repeat(94) + "e-100").signum())
                    .isEqualTo(-1);
            assertThat(Quantity.parseMilli("0." + "0".repeat(96) + "1")).isEqualTo(1);
        });
    }

    // ---- upstream vectors: kubernetes/apimachinery pkg/api/resource/quantity_test.go ----------------

    record Row(String test, String input, String value, String format) {
        @Override
        public String toString() {
            return test + " \"" + input + "\"";
        }
    }

    static List<Row> rows(String resource) throws Exception {
        List<Row> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                Objects.requireNonNull(QuantityTest.class.getResourceAsStream(resource)), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split(",", -1);
                out.add(new Row(f[0], f[1], f[2], f.length > 3 ? f[3] : ""));
            }
        }
        return out;
    }

    /** Every valid vector, also with an explicit "+" and a "-" in front, as upstream tries them. */
    static Stream<Arguments> valid() throws Exception {
        List<Arguments> out = new ArrayList<>();
        for (Row r : rows("/upstream/apimachinery/quantity-valid.csv")) {
            out.add(Arguments.of(r, ""));
            if (!r.input().startsWith("-")) {
                out.add(Arguments.of(r, "+"));
                out.add(Arguments.of(r, "-"));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{1}{0}")
    @MethodSource("valid")
    void upstreamValidQuantities(Row row, String sign) {
        String input = sign + row.input();
        BigDecimal upstream = new BigDecimal(row.value());
        if (sign.equals("-")) {
            upstream = upstream.negate();
        }
        BigDecimal exact = Quantity.decimal(input);
        // upstream rounds away from zero to nano, and caps a binarySI value at 2^63-1 units
        BigDecimal rounded = exact.setScale(9, RoundingMode.UP);
        if ("BinarySI".equals(row.format()) && rounded.abs().compareTo(LONG_MAX) > 0) {
            rounded = exact.signum() < 0 ? LONG_MAX.negate() : LONG_MAX;
        }
        assertThat(rounded)
                .as("our exact value, rounded and capped as upstream")
                .isEqualByComparingTo(upstream);

        BigDecimal milli = exact.movePointRight(3).setScale(0, RoundingMode.CEILING);
        if (milli.abs().compareTo(LONG_MAX) <= 0) {
            assertThat(Quantity.parseMilli(input)).isEqualTo(milli.longValueExact());
        } else {
            assertThatThrownBy(() -> Quantity.parseMilli(input)).hasMessageContaining("is out of range");
        }
    }

    static Stream<Row> invalid() throws Exception {
        return rows("/upstream/apimachinery/quantity-invalid.csv").stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void upstreamInvalidQuantities(Row row) {
        assertThatThrownBy(() -> Quantity.parseMilli(row.input())).hasMessageContaining("is not a Kubernetes quantity");
        assertThatThrownBy(() -> Quantity.decimal(row.input())).hasMessageContaining("is not a Kubernetes quantity");
    }

    @ParameterizedTest(name = "{0} milli prints {1}")
    @CsvSource({"1500,1500m", "2000,2", "0,0"})
    void formats(long milli, String text) {
        assertThat(Quantity.formatMilli(milli)).isEqualTo(text);
    }
}
