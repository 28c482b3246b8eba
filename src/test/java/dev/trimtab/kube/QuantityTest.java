package dev.trimtab.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class QuantityTest {
    @ParameterizedTest(name = "{0} = {1} milli")
    @CsvSource({"300m,300", "1,1000", "1.5,1500", "0.1,100", "2Ki,2048000", "1Gi,1073741824000", "1k,1000000",
            "1e3,1000000", "1E-3,1", "100n,1", "1u,1", "0,0", "-1,-1000", ".5,500", "1.0001,1001"})
    void parsesToMilliRoundingUp(String text, long milli) {
        assertThat(Quantity.parseMilli(text)).isEqualTo(milli);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "lots", "1.2.3", "5 m", "1KB", "--1"})
    void rejectsWhatIsNotAQuantity(String text) {
        assertThatThrownBy(() -> Quantity.parseMilli(text)).hasMessageContaining("\"" + text + "\" is not a Kubernetes quantity");
    }

    @ParameterizedTest(name = "{0} milli prints {1}")
    @CsvSource({"1500,1500m", "2000,2", "0,0"})
    void formats(long milli, String text) {
        assertThat(Quantity.formatMilli(milli)).isEqualTo(text);
    }
}
