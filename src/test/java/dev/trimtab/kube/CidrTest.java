package dev.trimtab.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Address literals and blocks: parsing, canonical text, containment. */
class CidrTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "10.0.0.1, 10.0.0.1",
        "fd00:10:244:1::2, fd00:10:244:1::2",
        "FD00:0:0:0:0:0:0:1, fd00::1",
        "::, ::",
        "::1, ::1",
        "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
        "::ffff:10.1.2.3, ::ffff:a01:203",
    })
    void addressesPrintCanonically(String text, String want) {
        assertThat(IpAddress.parse(text)).hasToString(want);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "10.0.0",
        "10.0.0.256",
        "010.0.0.1",
        "1::2::3",
        "fd00::g",
        "1:2:3:4:5:6:7:8:9",
        "fe80::1%eth0",
        "example.com"
    })
    void notAddresses(String text) {
        assertThat(IpAddress.isAddress(text)).isFalse();
        assertThatThrownBy(() -> IpAddress.parse(text)).hasMessageContaining("want an IPv4 or IPv6 address");
    }

    /** Java's digit tests take other scripts' digits; an address is ASCII, as Go's parser reads it. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"\u0661\u0660.0.0.1", "10.0.0.\uff11", "fd00::\uff11", "fd00::\uff21"})
    void digitsOfOtherScriptsAreNotAddresses(String text) {
        assertThat(IpAddress.isAddress(text)).isFalse();
        assertThatThrownBy(() -> IpAddress.parse(text)).hasMessageContaining("want an IPv4 or IPv6 address");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"10.0.0.0/\u0668", "10.0.0.0/33", "fd00::/129", "10.0.0.0/", "10.0.0.0"})
    void notBlocks(String text) {
        assertThatThrownBy(() -> Cidr.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(text);
    }

    @ParameterizedTest(name = "{0} contains {1}: {2}")
    @CsvSource({
        "10.0.0.0/8, 10.255.1.1, true",
        "10.0.0.0/8, 11.0.0.1, false",
        "10.1.2.3/8, 10.9.9.9, true",
        "0.0.0.0/0, 192.0.2.1, true",
        "0.0.0.0/0, ::1, false",
        "10.0.0.20/32, 10.0.0.20, true",
        "10.0.0.20/32, 10.0.0.21, false",
        "f000::/4, fd00:10:244:1::2, true",
        "fd00:1::/32, fd00:2::1, false",
        "::/0, 10.0.0.1, false",
    })
    void containment(String cidr, String ip, boolean want) {
        assertThat(Cidr.parse(cidr).contains(IpAddress.parse(ip))).isEqualTo(want);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"10.1.2.3/8, 10.0.0.0/8", "fd00:1:2::9/32, fd00:1::/32"})
    void hostBitsAreCleared(String text, String want) {
        assertThat(Cidr.parse(text)).hasToString(want);
    }
}
