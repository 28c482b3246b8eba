package dev.trimtab.policy.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** CEL's quantity() over hostile text: bounded like every other quantity parser. */
class KubeQuantityTest {

    @ParameterizedTest
    @MethodSource("bombs")
    void quantityBombsAreRejectedQuickly(String text) {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            assertThatThrownBy(() -> KubeQuantity.parse(text))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("quantity \"" + text.substring(0, 3));
            assertThat(KubeQuantity.valid(text)).isFalse();
        });
    }

    static Stream<String> bombs() {
        return Stream.of("1e-100000000", "1e999999999", "9e4294967296", "1".repeat(1_000_000));
    }

    @ParameterizedTest
    @CsvSource({
        "1Gi,1073741824",
        "18446744073709551616,18446744073709551616",
        "1.2345,1.2345",
        "9Ei,10376293541461622784"
    })
    void valuesBeyondInt64StayExact(String text, String value) {
        assertThat(KubeQuantity.parse(text).value).isEqualByComparingTo(value);
    }

    @ParameterizedTest
    @ValueSource(strings = {" 1", "1 ", "12 apples", "."})
    void grammarErrorsKeepUpstreamsMessage(String text) {
        assertThatThrownBy(() -> KubeQuantity.parse(text))
                .hasMessageStartingWith("quantities must match the regular expression");
    }
}
